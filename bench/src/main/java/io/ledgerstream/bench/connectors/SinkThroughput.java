package io.ledgerstream.bench.connectors;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The jdbc sink against one JDBC client writing the same rows with the same statement and batch size.
 * <ol>
 *   <li>N JSON records with distinct keys ({@code {"id": n}}, values of five columns) are put in a topic of the
 *       round's.</li>
 *   <li>Ours: the sink connector reads the topic from its beginning into one table; the table's
 *       {@code landed timestamptz DEFAULT clock_timestamp()} column, which the sink's upsert leaves out, stamps each
 *       row as it is inserted, and the rate is N over the span from the first row's stamp to the last's. The
 *       time from the job's submission to the first row is reported apart.</li>
 *   <li>Ceiling: one connection, {@code INSERT ... ON CONFLICT (id) DO UPDATE} as a JDBC batch of
 *       {@code batchSize} rows (typed parameters), each batch its own transaction, into a second table of the same
 *       shape; its rate is taken the same way, from its rows' stamps.</li>
 * </ol>
 *
 * <p>Not thread-safe: the benchmark's main thread runs it.
 */
final class SinkThroughput {
    static final String OURS = "sink_ours";
    static final String CEILING = "sink_ceiling";
    private static final OffsetDateTime UPDATED = OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final BenchPostgres postgres;
    private final Platform platform;
    private final LocalFlink flink;
    private final int rows;
    private final int batchSize;
    private String name;

    SinkThroughput(BenchPostgres postgres, Platform platform, LocalFlink flink, int rows, int batchSize) {
        this.postgres = postgres;
        this.platform = platform;
        this.flink = flink;
        this.rows = rows;
        this.batchSize = batchSize;
    }

    void createSchema() throws Exception {
        for (String table : new String[] {OURS, CEILING}) {
            postgres.execute(Databases.SOURCE, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT "
                    + "NULL, amount numeric(12,2) NOT NULL, qty int NOT NULL, updated timestamptz NOT NULL, "
                    + "landed timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }

    /** Step 1 for a round, with both tables emptied. */
    void prepare(int round) throws Exception {
        name = "sink-r" + round;
        postgres.execute(Databases.SOURCE, "TRUNCATE " + OURS, "TRUNCATE " + CEILING);
        platform.createTopic(name);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                platform.bootstrap(), "acks", "all", "linger.ms", "20", "batch.size", "262144"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = 1; id <= rows; id++) {
                String value = String.format(Locale.ROOT, "{\"id\":%d,\"name\":\"name-%d\",\"amount\":%s,\"qty\":%d,"
                        + "\"updated\":\"%s\"}", id, id, amount(id).toPlainString(), id % 100, UPDATED);
                producer.send(new ProducerRecord<>(name, ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Step 2. */
    Rate ours() throws Exception {
        String yaml = String.join("\n", "name: " + name, "sink:", "  type: jdbc",
                "  url: " + postgres.url(Databases.SOURCE), "  user: postgres", "  table: " + OURS,
                "  primary-key: [id]", "  batch-size: " + batchSize, "topics: [" + name + "]",
                "bootstrap-servers: " + platform.bootstrap(), "checkpoint-interval: 1 s", "");
        long submitted = System.nanoTime();
        JobClient job = flink.run(yaml, Optional.empty());
        try (Connection c = postgres.connect(Databases.SOURCE)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long firstSeen = 0;
            long count;
            while ((count = count(c, OURS)) < rows) {
                if (firstSeen == 0 && count > 0) {
                    firstSeen = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The sink wrote " + count + " of " + rows + " rows");
                }
                Thread.sleep(20);
            }
            double span = landedSpan(c, OURS);
            double startup = firstSeen == 0 ? Double.NaN : (firstSeen - submitted) / 1e9;
            return new Rate(rows, span, startup);
        } finally {
            LocalFlink.cancel(job);
        }
    }

    /** Step 3. */
    Rate ceiling() throws Exception {
        String sql = "INSERT INTO " + CEILING + " (id, name, amount, qty, updated) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, amount = EXCLUDED.amount, qty = EXCLUDED.qty, "
                + "updated = EXCLUDED.updated";
        try (Connection c = postgres.connect(Databases.SOURCE)) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int id = 1; id <= rows; id++) {
                    s.setLong(1, id);
                    s.setString(2, "name-" + id);
                    s.setBigDecimal(3, amount(id));
                    s.setInt(4, id % 100);
                    s.setObject(5, UPDATED);
                    s.addBatch();
                    if (id % batchSize == 0 || id == rows) {
                        s.executeBatch();
                        c.commit();
                    }
                }
            }
            c.setAutoCommit(true);
            if (count(c, CEILING) != rows) {
                throw new IllegalStateException("The client's table does not hold " + rows + " rows");
            }
            return new Rate(rows, landedSpan(c, CEILING), 0);
        }
    }

    private static BigDecimal amount(int id) {
        return BigDecimal.valueOf(id % 100_000, 2);
    }

    private static long count(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Seconds from the first row's insert to the last's, by the table's {@code landed} stamps. */
    private static double landedSpan(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT extract(epoch FROM max(landed) - min(landed)) FROM " + table)) {
            r.next();
            return r.getDouble(1);
        }
    }
}
