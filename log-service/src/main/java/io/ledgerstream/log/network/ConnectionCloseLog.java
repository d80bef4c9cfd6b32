package io.ledgerstream.log.network;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs why the broker closed a client's connection, at most one line per client host per interval, so that a
 * broken or fuzzing client cannot fill the disk; the next line says how many closes were not logged meanwhile.
 *
 * <p>Thread-safe: connections on every event loop share one instance.
 */
final class ConnectionCloseLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
    /** Hosts remembered at most; beyond it the oldest windows are forgotten (a scan of addresses stays bounded). */
    private static final int MAX_HOSTS = 10_000;

    private final Clock clock;
    private final long intervalMs;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong closes = new AtomicLong();

    /** One host's current interval: when it began and the closes not logged since. */
    private static final class Window {
        final long startMs;
        final AtomicLong suppressed = new AtomicLong();

        Window(long startMs) {
            this.startMs = startMs;
        }
    }

    ConnectionCloseLog(Clock clock, long intervalMs) {
        this.clock = clock;
        this.intervalMs = intervalMs;
    }

    /** Counts a close and logs it unless the client's host had one logged within the interval. */
    void closed(SocketAddress client, String reason) {
        closes.incrementAndGet();
        String host = client instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(client);
        long now = clock.millis();
        Window window = windows.get(host);
        if (window != null && now - window.startMs < intervalMs) {
            window.suppressed.incrementAndGet();
            return;
        }
        if (windows.size() >= MAX_HOSTS) {
            windows.entrySet().removeIf(e -> now - e.getValue().startMs >= intervalMs);
        }
        Window previous = windows.put(host, new Window(now));
        long missed = previous == null ? 0 : previous.suppressed.get();
        if (missed > 0) {
            LOG.info("Closing connection from {}: {} ({} more closes of this host's connections not logged)",
                    client, reason, missed);
        } else {
            LOG.info("Closing connection from {}: {}", client, reason);
        }
    }

    /** Connections closed by the broker since start, logged or not. */
    long closes() {
        return closes.get();
    }
}
