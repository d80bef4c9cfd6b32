package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs why the broker closed a client's connection, at most one line per client host per interval, so that a
 * broken or fuzzing client cannot fill the disk; the next line for the host says how many closes were not logged.
 * Beyond {@code maxHosts} hosts within one interval, closes of new hosts are counted but not logged.
 *
 * <p>Thread-safe: connections on every event loop share one instance; each host's window changes atomically.
 */
@ThreadSafe
final class ConnectionCloseLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

    private final Clock clock;
    private final long intervalMs;
    private final int maxHosts;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();

    /** One host's current interval: when it began, and the closes not logged in it. */
    private record Window(long startMs, long suppressed) {
    }

    ConnectionCloseLog(Clock clock, long intervalMs, int maxHosts) {
        this.clock = clock;
        this.intervalMs = intervalMs;
        this.maxHosts = maxHosts;
    }

    /** Counts a close and logs it unless the client's host had one logged within the interval. */
    void closed(SocketAddress client, String reason) {
        closes.incrementAndGet();
        String host = client instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(client);
        long now = clock.millis();
        if (!windows.containsKey(host) && windows.size() >= maxHosts) {
            windows.entrySet().removeIf(e -> now - e.getValue().startMs() >= intervalMs);
            if (windows.size() >= maxHosts) {
                unlogged.incrementAndGet();
                return;
            }
        }
        long[] missed = {-1};
        windows.compute(host, (h, window) -> {
            if (window != null && now - window.startMs() < intervalMs) {
                return new Window(window.startMs(), window.suppressed() + 1);
            }
            missed[0] = window == null ? 0 : window.suppressed();
            return new Window(now, 0);
        });
        if (missed[0] < 0) {
            unlogged.incrementAndGet();
        } else if (missed[0] > 0) {
            LOG.info("Closing connection from {}: {} ({} more closes of this host's connections not logged)",
                    client, reason, missed[0]);
        } else {
            LOG.info("Closing connection from {}: {}", client, reason);
        }
    }

    /** Connections the broker closed since it started, logged or not. */
    long closes() {
        return closes.get();
    }

    /** Of those, the ones not logged. */
    long unlogged() {
        return unlogged.get();
    }
}
