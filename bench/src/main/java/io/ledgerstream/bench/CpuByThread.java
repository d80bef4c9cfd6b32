package io.ledgerstream.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a process spent its CPU over a benchmark's span, per record: {@code snapshot PID FILE} saves a
 * {@link ProcessCpu} snapshot, {@code report FILE PID RECORDS NAME} prints the CPU used since, in microseconds per
 * record, in all and for its busiest thread groups (named as Linux shows threads: the first 15 characters, digits
 * replaced by {@code #}).
 *
 * <p>Stateless: a command-line tool.
 */
public final class CpuByThread {

    private static final String TOTAL = "(total)";
    private static final int GROUPS_SHOWN = 12;

    private CpuByThread() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("snapshot")) {
            save(ProcessCpu.of(Long.parseLong(args[1])), Path.of(args[2]));
        } else if (args.length == 5 && args[0].equals("report")) {
            ProcessCpu used = ProcessCpu.of(Long.parseLong(args[2])).since(load(Path.of(args[1])));
            System.out.println(report(used, Long.parseLong(args[3]), args[4]));
        } else {
            System.err.println("usage: CpuByThread snapshot PID FILE | report FILE PID RECORDS NAME");
            System.exit(2);
        }
    }

    /** One line: the CPU per record in all, then the busiest groups' shares of it. */
    static String report(ProcessCpu used, long records, String name) {
        double microsPerTick = 1_000_000.0 / ProcessCpu.ticksPerSecond();
        StringBuilder line = new StringBuilder(String.format("%s CPU: %.1f µs a record (%.1f s);", name,
                used.totalTicks() * microsPerTick / records, used.totalTicks() * microsPerTick / 1e6));
        used.groupTicks().entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(GROUPS_SHOWN)
                .forEach(e -> line.append(
                        String.format(" %s %.1f,", e.getKey(), e.getValue() * microsPerTick / records)));
        line.setLength(line.length() - 1);
        return line.toString();
    }

    private static void save(ProcessCpu snapshot, Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty(TOTAL, Long.toString(snapshot.totalTicks()));
        snapshot.groupTicks().forEach((group, ticks) -> properties.setProperty(group, Long.toString(ticks)));
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
    }

    private static ProcessCpu load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        Map<String, Long> groups = new HashMap<>();
        properties.stringPropertyNames().stream().filter(k -> !k.equals(TOTAL))
                .forEach(k -> groups.put(k, Long.parseLong(properties.getProperty(k))));
        return new ProcessCpu(Long.parseLong(properties.getProperty(TOTAL)), groups);
    }
}
