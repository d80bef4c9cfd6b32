package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.ManualClock;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A fuzzing or broken client gets one log line a minute per host, and every close is still counted. */
class ConnectionCloseLogTest {
    private final ManualClock clock = new ManualClock(0);
    private final ConnectionCloseLog log = new ConnectionCloseLog(clock, 60_000, 2);

    private static InetSocketAddress client(String host, int port) {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Test
    void oneLineAMinutePerHostWhateverItsPorts() {
        for (int port = 1000; port < 1100; port++) {
            log.closed(client("10.0.0.1", port), "malformed request");
        }
        assertThat(log.closes()).isEqualTo(100);
        assertThat(log.unlogged()).as("all but the first within the minute").isEqualTo(99);
        log.closed(client("10.0.0.2", 1), "malformed request");
        assertThat(log.unlogged()).as("another host has its own minute").isEqualTo(99);

        clock.advance(60_000);
        log.closed(client("10.0.0.1", 2000), "malformed request");
        assertThat(log.unlogged()).as("a new minute logs again").isEqualTo(99);
    }

    @Test
    void hostsBeyondTheCapAreCountedNotLoggedUntilWindowsExpire() {
        log.closed(client("10.0.0.1", 1), "a");
        log.closed(client("10.0.0.2", 1), "b");
        log.closed(client("10.0.0.3", 1), "c");
        assertThat(log.unlogged()).isEqualTo(1);
        clock.advance(60_000);
        log.closed(client("10.0.0.3", 1), "c");
        assertThat(log.unlogged()).as("expired windows make room").isEqualTo(1);
        assertThat(log.closes()).isEqualTo(4);
    }
}
