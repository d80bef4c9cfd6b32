package io.ledgerstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of another process on Linux, read from {@code /proc/PID/stat} (user plus system time of all its threads,
 * including those that ended), and per group of threads from {@code /proc/PID/task/TID/stat}, threads grouped by
 * name with digits dropped (a thread that ends between two snapshots drops out of the groups, not the total).
 *
 * <p>Immutable: each snapshot is a value.
 */
public record ProcessCpu(long totalTicks, Map<String, Long> groupTicks) {

    /** A snapshot of process {@code pid}: its total and its thread groups'. */
    public static ProcessCpu of(long pid) throws IOException {
        long total = totalTicks(pid);
        Map<String, Long> groups = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                groups.merge(name.replaceAll("[0-9]+", "#"), ticks(stat), Long::sum);
            }
        }
        return new ProcessCpu(total, groups);
    }

    /** The kernel's clock ticks per second, from {@code CLK_TCK} ({@code getconf CLK_TCK}; 100 when unset). */
    public static long ticksPerSecond() {
        String ticks = System.getenv("CLK_TCK");
        return ticks == null || ticks.isBlank() ? 100 : Long.parseLong(ticks.trim());
    }

    /** The CPU time, in clock ticks, that process {@code pid} has used so far (all its threads). */
    public static long totalTicks(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** utime plus stime: fields 14 and 15 of a stat line, counted after the name, which may hold spaces. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The CPU used from {@code earlier} to this snapshot, per thread group (groups absent then count from 0). */
    public ProcessCpu since(ProcessCpu earlier) {
        Map<String, Long> groups = new HashMap<>();
        groupTicks.forEach((g, t) -> groups.put(g, Math.max(0, t - earlier.groupTicks.getOrDefault(g, 0L))));
        return new ProcessCpu(totalTicks - earlier.totalTicks, groups);
    }
}
