package io.ledgerstream.bench.connectors;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;

/**
 * postgres-cdc against {@code pg_recvlogical} reading the same committed changes, each from a slot of its own.
 * <ol>
 *   <li>The connector starts (snapshot: never), creates its slot and streams; it is stopped with a savepoint, so
 *       its slot stays where it began. The ceiling's slot is created (pgoutput) beside it.</li>
 *   <li>N rows are inserted, in transactions of {@code rowsPerTransaction} rows made server-side by
 *       {@code INSERT ... SELECT generate_series}, all committed before either reader runs; the end LSN is
 *       taken.</li>
 *   <li>Ours: the connector resumes from its savepoint; timed from its walsender's start until a read_committed
 *       reader of the topic has all N records (job start-up reported apart), and until a read_uncommitted reader
 *       has them (written, the checkpoint that commits them still to come).</li>
 *   <li>Ceiling: {@code pg_recvlogical --start --endpos END -o proto_version=1 -o publication_names=...
 *       -f /dev/null}, timed from its launch to its exit.</li>
 * </ol>
 *
 * <p>Not thread-safe: the benchmark's main thread runs it.
 */
final class CdcThroughput {
    static final String TABLE = "cdc_rows";
    static final String PUBLICATION = "bench_cdc";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final BenchPostgres postgres;
    private final Platform platform;
    private final LocalFlink flink;
    private final int rows;
    private final int rowsPerTransaction;
    private String name;
    private String savepoint;
    private String endLsn;

    CdcThroughput(BenchPostgres postgres, Platform platform, LocalFlink flink, int rows, int rowsPerTransaction) {
        this.postgres = postgres;
        this.platform = platform;
        this.flink = flink;
        this.rows = rows;
        this.rowsPerTransaction = rowsPerTransaction;
    }

    /** Creates the table and its publication, once. */
    void createSchema() throws Exception {
        postgres.execute(Databases.SOURCE, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL, "
                + "amount numeric(12,2) NOT NULL, qty int NOT NULL, updated timestamptz NOT NULL)",
                "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
    }

    /** Steps 1 and 2 for a round: both slots in place, then the rows committed. */
    void prepare(int round) throws Exception {
        name = "cdc-r" + round;
        platform.createTopic(name);
        postgres.execute(Databases.SOURCE, "TRUNCATE " + TABLE);
        JobClient job = flink.run(yaml(), Optional.empty());
        try (Connection c = postgres.connect(Databases.SOURCE)) {
            Slots.awaitActive(c, slot(), TIMEOUT);
        }
        // Whether or not the savepoint holds the end of the (empty) snapshot, the resumed connector streams from the
        // slot's confirmed position, where the slot was made: no wait is needed here.
        savepoint = flink.stopWithSavepoint(job);
        postgres.execute(Databases.SOURCE, "SELECT pg_create_logical_replication_slot('" + ceilingSlot()
                + "', 'pgoutput')");
        List<String> inserts = new ArrayList<>();
        for (int from = 1; from <= rows; from += rowsPerTransaction) {
            int to = Math.min(rows, from + rowsPerTransaction - 1);
            inserts.add("INSERT INTO " + TABLE + " SELECT g, 'name-' || g, g * 0.01, g % 100, now() "
                    + "FROM generate_series(" + from + ", " + to + ") g");
        }
        postgres.execute(Databases.SOURCE, inserts.toArray(String[]::new));
        try (Connection c = postgres.connect(Databases.SOURCE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            r.next();
            endLsn = r.getString(1);
        }
    }

    /**
     * Step 3: the connector from its savepoint until the topic holds every row committed; a second reader
     * (read_uncommitted, on its own thread) notes when every row was written, before the checkpoint committed it.
     */
    CdcRate ours() throws Exception {
        try (TopicCounter counter = new TopicCounter(platform.bootstrap(), name, true);
             TopicCounter written = new TopicCounter(platform.bootstrap(), name, false);
             Connection c = postgres.connect(Databases.SOURCE)) {
            CompletableFuture<Long> allWritten = CompletableFuture.supplyAsync(
                    () -> written.awaitCount(rows, TIMEOUT));
            long submitted = System.nanoTime();
            JobClient job = flink.run(yaml(), Optional.of(savepoint));
            try {
                long started = Slots.awaitActive(c, slot(), TIMEOUT);
                long done = counter.awaitCount(rows, TIMEOUT);
                return new CdcRate(Rate.between(rows, started, done, submitted),
                        (allWritten.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS) - started) / 1e9);
            } finally {
                LocalFlink.cancel(job);
                Slots.drop(c, slot());
            }
        }
    }

    /** Step 4: pg_recvlogical on its own slot until the end LSN. */
    Rate ceiling() throws Exception {
        List<String> command = List.of(postgres.bin().resolve("pg_recvlogical").toString(),
                "-d", "host=127.0.0.1 port=" + postgres.port() + " dbname=" + Databases.SOURCE + " user=postgres",
                "--slot", ceilingSlot(), "--start", "--endpos", endLsn, "--no-loop",
                "-o", "proto_version=1", "-o", "publication_names=" + PUBLICATION, "-f", "/dev/null");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("pg_recvlogical did not reach " + endLsn + " (" + String.join(" ",
                    command) + "): " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        long done = System.nanoTime();
        try (Connection c = postgres.connect(Databases.SOURCE)) {
            Slots.drop(c, ceilingSlot());
        }
        return Rate.between(rows, started, done, started);
    }

    private String yaml() {
        return String.join("\n", "name: " + name, "source:", "  type: postgres-cdc", "  port: " + postgres.port(),
                "  database: " + Databases.SOURCE, "  user: postgres", "  tables: [" + TABLE + "]",
                "  publication: " + PUBLICATION, "  snapshot: never", "topic: " + name,
                "bootstrap-servers: " + platform.bootstrap(), "checkpoint-interval: 1 s", "");
    }

    private String slot() {
        return "ledgerstream_" + name.replace('-', '_');
    }

    private String ceilingSlot() {
        return "ceiling_" + name.replace('-', '_');
    }
}
