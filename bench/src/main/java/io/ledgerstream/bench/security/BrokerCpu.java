package io.ledgerstream.bench.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.bench.ProcessCpu;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The CPU time (user and system, all threads) of a broker process on this machine ({@link ProcessCpu}), so that a
 * storm can say what each login cost the broker. Immutable, so thread-safe.
 */
@ThreadSafe
final class BrokerCpu {
    /** The broker's process id; -1 when none is followed. */
    private final long pid;
    private final long nanosPerTick;

    private BrokerCpu(long pid, long nanosPerTick) {
        this.pid = pid;
        this.nanosPerTick = nanosPerTick;
    }

    /**
     * The broker named by {@code STORM_BROKER_PID}, its clock ticks per second from {@code CLK_TCK} (100 when unset),
     * or none when no PID is given.
     */
    static BrokerCpu fromEnvironment() {
        String pid = System.getenv("STORM_BROKER_PID");
        if (pid == null || pid.isEmpty()) {
            return new BrokerCpu(-1, 0);
        }
        return new BrokerCpu(Long.parseLong(pid.trim()), 1_000_000_000L / ProcessCpu.ticksPerSecond());
    }

    /** The broker's CPU time so far, 0 when no broker is followed. */
    long nanos() {
        if (pid < 0) {
            return 0;
        }
        try {
            return ProcessCpu.totalTicks(pid) * nanosPerTick;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the CPU time of broker process " + pid, e);
        }
    }

    /** The figures' tail for {@code used} nanoseconds over a storm: empty when no broker is followed. */
    String describe(long used, double seconds, int logins) {
        if (pid < 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; broker CPU %.2f s, %.0f%% of a core, %.2f ms per login", used / 1e9,
                100 * used / 1e9 / seconds, logins == 0 ? 0.0 : used / 1e6 / logins);
    }
}
