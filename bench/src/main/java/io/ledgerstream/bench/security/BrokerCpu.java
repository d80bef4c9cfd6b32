package io.ledgerstream.bench.security;

import com.google.errorprone.annotations.ThreadSafe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CPU time (user and system, all threads) of a broker process on this machine, read from its
 * {@code /proc/PID/stat}, so that a storm can say what each login cost the broker. Immutable, so thread-safe.
 */
@ThreadSafe
final class BrokerCpu {
    /** Fields 14 and 15 of the stat line, counted after the command name's closing parenthesis. */
    private static final int UTIME_AFTER_NAME = 11;
    private static final int STIME_AFTER_NAME = 12;

    private final Path stat;
    private final long nanosPerTick;

    private BrokerCpu(Path stat, long nanosPerTick) {
        this.stat = stat;
        this.nanosPerTick = nanosPerTick;
    }

    /**
     * The broker named by {@code STORM_BROKER_PID}, its clock ticks per second from {@code CLK_TCK} (100 when unset),
     * or none when no PID is given.
     */
    static BrokerCpu fromEnvironment() {
        String pid = System.getenv("STORM_BROKER_PID");
        if (pid == null || pid.isEmpty()) {
            return new BrokerCpu(null, 0);
        }
        String ticks = System.getenv("CLK_TCK");
        long perSecond = ticks == null || ticks.isEmpty() ? 100 : Long.parseLong(ticks.trim());
        return new BrokerCpu(Path.of("/proc", pid.trim(), "stat"), 1_000_000_000L / perSecond);
    }

    /** The broker's CPU time so far, 0 when no broker is followed. */
    long nanos() {
        if (stat == null) {
            return 0;
        }
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[UTIME_AFTER_NAME]) + Long.parseLong(fields[STIME_AFTER_NAME])) * nanosPerTick;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the broker's CPU time from " + stat, e);
        }
    }

    /** The figures' tail for {@code used} nanoseconds over a storm: empty when no broker is followed. */
    String describe(long used, double seconds, int logins) {
        if (stat == null) {
            return "";
        }
        return String.format(Locale.ROOT, "; broker CPU %.2f s, %.0f%% of a core, %.2f ms per login", used / 1e9,
                100 * used / 1e9 / seconds, logins == 0 ? 0.0 : used / 1e6 / logins);
    }
}
