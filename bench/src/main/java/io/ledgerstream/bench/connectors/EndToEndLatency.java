package io.ledgerstream.bench.connectors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.core.execution.JobClient;

/**
 * Latency from a commit in PostgreSQL to the row in a second database's table: postgres-cdc (envelope: row) into
 * a topic, the jdbc sink from it (its {@code flush-interval} as given, the sink's default 1 s unless told), both
 * with checkpoints every second.
 * <ol>
 *   <li>Both connectors start; one row is written and awaited in the copy, so that both are streaming.</li>
 *   <li>A paced writer inserts one row per transaction (autocommit) at {@code perSecond} for {@code seconds},
 *       noting the wall-clock time each commit returned.</li>
 *   <li>Each row's copy carries {@code landed timestamptz DEFAULT clock_timestamp()}, which the sink's upsert
 *       leaves out, so the server stamps it as the sink inserts it; the latency of a row is landed minus
 *       committed (the same machine's clock on both sides).</li>
 * </ol>
 *
 * <p>Not thread-safe: the benchmark's main thread runs it.
 */
final class EndToEndLatency {
    static final String SOURCE_TABLE = "lat_src";
    static final String COPY_TABLE = "lat_dst";
    static final String PUBLICATION = "bench_lat";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final BenchPostgres postgres;
    private final Platform platform;
    private final LocalFlink flink;
    private final int perSecond;
    private final int seconds;
    private final String flushInterval;

    /** @param flushInterval the sink's {@code flush-interval}, as the file gives it ({@code 1 s} by default) */
    EndToEndLatency(BenchPostgres postgres, Platform platform, LocalFlink flink, int perSecond, int seconds,
                    String flushInterval) {
        this.postgres = postgres;
        this.platform = platform;
        this.flink = flink;
        this.perSecond = perSecond;
        this.seconds = seconds;
        this.flushInterval = flushInterval;
    }

    void createSchema() throws Exception {
        postgres.execute(Databases.SOURCE, "CREATE TABLE " + SOURCE_TABLE + " (id bigint PRIMARY KEY, payload text "
                + "NOT NULL)", "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + SOURCE_TABLE);
        postgres.execute(Databases.COPY, "CREATE TABLE " + COPY_TABLE + " (id bigint PRIMARY KEY, payload text NOT "
                + "NULL, landed timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    /** One round: the latency of every paced row, in milliseconds, sorted. */
    double[] measure(int round) throws Exception {
        String topic = "lat-r" + round;
        platform.createTopic(topic);
        String cdc = "lat-cdc-r" + round;
        String slot = "ledgerstream_" + cdc.replace('-', '_');
        JobClient source = flink.run(String.join("\n", "name: " + cdc, "source:", "  type: postgres-cdc",
                "  port: " + postgres.port(), "  database: " + Databases.SOURCE, "  user: postgres",
                "  tables: [" + SOURCE_TABLE + "]", "  publication: " + PUBLICATION, "  snapshot: never",
                "  envelope: row", "topic: " + topic, "bootstrap-servers: " + platform.bootstrap(),
                "checkpoint-interval: 1 s", ""), Optional.empty());
        JobClient sink = flink.run(String.join("\n", "name: lat-sink-r" + round, "sink:", "  type: jdbc",
                "  url: " + postgres.url(Databases.COPY), "  user: postgres", "  table: " + COPY_TABLE,
                "  primary-key: [id]", "  flush-interval: " + flushInterval, "topics: [" + topic + "]",
                "bootstrap-servers: " + platform.bootstrap(),
                "checkpoint-interval: 1 s", ""), Optional.empty());
        try (Connection origin = postgres.connect(Databases.SOURCE);
             Connection copy = postgres.connect(Databases.COPY)) {
            Slots.awaitActive(origin, slot, TIMEOUT);
            long base = round * 1_000_000L;
            try (Statement s = origin.createStatement()) {
                s.execute("INSERT INTO " + SOURCE_TABLE + " VALUES (" + base + ", 'warm-up')");
            }
            awaitRows(copy, base, base, TIMEOUT);
            Map<Long, Instant> committed = write(origin, base + 1);
            awaitRows(copy, base + 1, base + committed.size(), TIMEOUT);
            return latencies(copy, committed);
        } finally {
            LocalFlink.cancel(source);
            LocalFlink.cancel(sink);
            try (Connection c = postgres.connect(Databases.SOURCE)) {
                Slots.drop(c, slot);
            }
        }
    }

    /** Step 2: rows {@code first} on, one per transaction, at the pace; each one's commit time. */
    private Map<Long, Instant> write(Connection origin, long first) throws Exception {
        Map<Long, Instant> committed = new HashMap<>();
        long intervalNanos = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        try (PreparedStatement insert = origin.prepareStatement("INSERT INTO " + SOURCE_TABLE + " VALUES (?, ?)")) {
            for (int i = 0; i < perSecond * seconds; i++) {
                LockSupport.parkNanos(start + i * intervalNanos - System.nanoTime());
                insert.setLong(1, first + i);
                insert.setString(2, "row " + i);
                insert.executeUpdate();
                committed.put(first + i, Instant.now());
            }
        }
        return committed;
    }

    private static void awaitRows(Connection copy, long from, long to, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement s = copy.prepareStatement("SELECT count(*) FROM " + COPY_TABLE
                + " WHERE id BETWEEN ? AND ?")) {
            s.setLong(1, from);
            s.setLong(2, to);
            while (true) {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getLong(1) == to - from + 1) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Rows " + from + " to " + to + " did not all reach the copy");
                }
                Thread.sleep(50);
            }
        }
    }

    private static double[] latencies(Connection copy, Map<Long, Instant> committed) throws Exception {
        List<Double> millis = new ArrayList<>();
        try (PreparedStatement s = copy.prepareStatement("SELECT id, landed FROM " + COPY_TABLE
                + " WHERE id BETWEEN ? AND ?")) {
            s.setLong(1, committed.keySet().stream().mapToLong(Long::longValue).min().orElseThrow());
            s.setLong(2, committed.keySet().stream().mapToLong(Long::longValue).max().orElseThrow());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Instant landed = r.getObject(2, java.time.OffsetDateTime.class).toInstant();
                    Instant at = committed.get(r.getLong(1));
                    millis.add(Duration.between(at, landed).toNanos() / 1e6);
                }
            }
        }
        return millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
}
