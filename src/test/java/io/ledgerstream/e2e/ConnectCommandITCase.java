package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.Ledgerstream;
import io.ledgerstream.connectors.testing.PostgresServer;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LocalBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ledgerstream connect} as a user runs it: a bad file refused in one line; a postgres-cdc connector run on
 * the embedded Flink, seen by {@code status} and {@code list}, stopped with a savepoint, run again (resuming, with
 * what changed meanwhile, each row once), and deleted with its replication slot.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConnectCommandITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    /** What a command printed, and how it ended. */
    record Result(int exit, String out, String err) {
    }

    @Test
    void runStatusStopResumeAndDelete() throws Exception {
        try (LocalBroker platform = LocalBroker.start(dir.resolve("platform").toFile(), Map.of());
             PostgresServer postgres = PostgresServer.start()) {
            postgres.createDatabase("shop");
            postgres.execute("shop", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
            insert(postgres, 1, 5);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("items", 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            String data = dir.resolve("data").toString();
            Path file = dir.resolve("items.yaml");
            Files.writeString(file, String.join("\n", "name: items-cdc", "source:", "  type: postgres-cdc",
                    "  port: " + postgres.port(), "  database: shop", "  user: postgres", "  tables: [items]",
                    "  envelope: row", "topic: items", "bootstrap-servers: " + platform.bootstrap(),
                    "checkpoint-interval: 500 ms", ""), StandardCharsets.UTF_8);
            Path bad = dir.resolve("bad.yaml");
            Files.writeString(bad, Files.readString(file).replace("  database: shop", "  database: shop\n  port: x"));

            Result refused = run("connect", "run", bad.toString(), "--data-dir", data);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err().strip()).isEqualTo("ledgerstream: error: " + bad + ": source.port: must be a "
                    + "whole number from 1 to 65535, not 'x'");

            String cluster = "127.0.0.1:" + FreePorts.consecutive(1);
            String port = cluster.substring(cluster.indexOf(':') + 1);
            CompletableFuture<Result> first = CompletableFuture.supplyAsync(() ->
                    run("connect", "run", file.toString(), "--rest-port", port, "--data-dir", data));
            try (Topic topic = new Topic(platform.bootstrap(), "items")) {
                Await.until("the snapshot's 5 rows in the topic", WAIT, () -> topic.poll().size() == 5);
                Await.until("status to count them", WAIT, () -> run("connect", "status", "items-cdc", "--cluster",
                        cluster).out().contains("records out:     5"));
                Result status = run("connect", "status", "items-cdc", "--cluster", cluster);
                assertThat(status.out()).contains("state:           RUNNING").contains("records in:      5")
                        .contains("dead letters:    0").contains("last checkpoint: #").contains("source lag:");
                assertThat(run("connect", "list", "--cluster", cluster).out()).containsPattern("items-cdc +RUNNING");

                Result stop = run("connect", "stop", "items-cdc", "--cluster", cluster, "--data-dir", data);
                assertThat(stop.out()).contains("Stopped connector items-cdc with a savepoint at file:");
                Result ended = first.get(60, TimeUnit.SECONDS);
                assertThat(ended.exit()).isZero();
                assertThat(ended.out()).contains("connector items-cdc: FINISHED");

                // Changes while it is stopped wait in the slot; the next run resumes from the savepoint.
                insert(postgres, 6, 8);
                CompletableFuture<Result> second = CompletableFuture.supplyAsync(() ->
                        run("connect", "run", file.toString(), "--rest-port", port, "--data-dir", data));
                Await.until("the rows inserted while stopped", WAIT, () -> topic.poll().size() >= 8);
                assertThat(topic.poll().stream().map(ConsumerRecord::key).toList()).hasSize(8).doesNotHaveDuplicates();

                Result deleted = run("connect", "delete", "items-cdc", "--cluster", cluster, "--data-dir", data);
                assertThat(deleted.out()).as(deleted.err()).contains("Cancelled connector items-cdc")
                        .contains("Deleted connector");
                assertThat(second.get(60, TimeUnit.SECONDS).out()).contains("resumed from savepoints/");
                assertThat(Files.exists(Path.of(data, "connect", "items-cdc"))).isFalse();
                try (Connection c = postgres.connect("shop"); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getInt(1)).isZero();
                }
            }
        }
    }

    @Test
    void aDatabaseGoneForGoodShowsAsFailedInStatusWithItsCause() throws Exception {
        try (LocalBroker platform = LocalBroker.start(dir.resolve("platform").toFile(), Map.of());
             PostgresServer postgres = PostgresServer.start()) {
            postgres.createDatabase("shop");
            postgres.execute("shop", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
            String data = dir.resolve("data").toString();
            Path fragile = dir.resolve("fragile.yaml");
            Files.writeString(fragile, String.join("\n", "name: fragile", "source:", "  type: postgres-cdc",
                    "  port: " + postgres.port(), "  database: shop", "  user: postgres", "  tables: [items]",
                    "topic: fragile", "bootstrap-servers: " + platform.bootstrap(), "checkpoint-interval: 500 ms",
                    "restart: {attempts: 2, delay: 200 ms}", ""), StandardCharsets.UTF_8);
            // A second connector keeps the run going once the first has failed.
            Path steady = dir.resolve("steady.yaml");
            Files.createDirectories(dir.resolve("in"));
            Files.writeString(steady, String.join("\n", "name: steady", "source:", "  type: files",
                    "  path: " + dir.resolve("in"), "topic: steady", "bootstrap-servers: " + platform.bootstrap(),
                    ""), StandardCharsets.UTF_8);
            String cluster = "127.0.0.1:" + FreePorts.consecutive(1);
            String port = cluster.substring(cluster.indexOf(':') + 1);
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> run("connect", "run",
                    fragile.toString(), steady.toString(), "--rest-port", port, "--data-dir", data));
            Await.until("the connector running", WAIT, () -> run("connect", "status", "fragile", "--cluster", cluster)
                    .out().contains("state:           RUNNING"));

            postgres.stop();
            Await.until("status to show the failure and its cause", WAIT, () -> run("connect", "status", "fragile",
                    "--cluster", cluster).out().contains("postgres-cdc source"));
            Result status = run("connect", "status", "fragile", "--cluster", cluster);
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.out()).as(status.err()).contains("state:           FAILED").contains("last failure:")
                    .contains("postgres-cdc source");
            assertThat(run("connect", "stop", "steady", "--cluster", cluster, "--data-dir", data).exit()).isZero();
            Result ended = run.get(60, TimeUnit.SECONDS);
            assertThat(ended.exit()).isEqualTo(1);
            assertThat(ended.out()).contains("connector fragile: FAILED").contains("failed: fragile");
            postgres.startServer();
        }
    }

    private static void insert(PostgresServer postgres, int from, int to) throws Exception {
        for (int id = from; id <= to; id++) {
            postgres.execute("shop", "INSERT INTO items VALUES (" + id + ", 'item " + id + "')");
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Ledgerstream.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** A read_committed reader of a whole topic that keeps what it has seen. */
    private static final class Topic implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        Topic(String bootstrap, String name) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "isolation.level",
                    "read_committed", "fetch.max.wait.ms", "100"), new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = List.of(new TopicPartition(name, 0), new TopicPartition(name, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        List<ConsumerRecord<String, String>> poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
