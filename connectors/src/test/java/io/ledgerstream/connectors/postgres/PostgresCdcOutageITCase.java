package io.ledgerstream.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ledgerstream.connectors.testing.ConnectorRunner;
import io.ledgerstream.connectors.testing.PostgresServer;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that goes away under a running {@code postgres-cdc} connector: back within the restart budget, the
 * connector resumes and nothing is lost or repeated; gone for good, the connector fails visibly, with the cause.
 */
class PostgresCdcOutageITCase {
    private static final Duration WAIT = Duration.ofSeconds(90);
    @TempDir
    static Path dir;
    private static PostgresServer postgres;
    private static JobTestbed testbed;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("shop");
        postgres.execute("shop", "CREATE TABLE events (id int PRIMARY KEY, body text)");
        testbed = JobTestbed.start(dir);
        testbed.createTopics("events", 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (testbed != null) {
            testbed.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String yaml(int attempts) {
        return String.join("\n",
                "name: events-cdc",
                "source:",
                "  type: postgres-cdc",
                "  port: " + postgres.port(),
                "  database: shop",
                "  user: postgres",
                "  tables: [events]",
                "  envelope: row",
                "topic: events",
                "bootstrap-servers: " + testbed.bootstrap(),
                "checkpoint-interval: 300 ms",
                "restart:",
                "  attempts: " + attempts,
                "  delay: 500 ms",
                "");
    }

    @Test
    void aDatabaseBackInTimeLosesNothingAndOneGoneForGoodFailsTheConnector() throws Exception {
        JobClient job = ConnectorRunner.run(testbed.flink(), dir.resolve("cp"), yaml(4), Optional.empty());
        try (JobTestbed.TopicReader reader = testbed.reader("events")) {
            insert(1, 50);
            Await.until("the first 50 rows", WAIT, () -> reader.poll().size() == 50);

            postgres.stop();
            Await.until("the connector noticing the outage", WAIT, () -> status(job) != JobStatus.RUNNING);
            postgres.startServer();
            insert(51, 100);
            Await.until("the rows inserted after the outage", WAIT, () -> reader.poll().size() >= 100);
            List<String> bodies = reader.poll().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .toList();
            assertThat(bodies).hasSize(100).doesNotHaveDuplicates();
            assertThat(status(job)).isEqualTo(JobStatus.RUNNING);

            // Gone for good: the restarts run out and the connector fails, naming the cause.
            postgres.stop();
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> job.getJobExecutionResult().get(3, TimeUnit.MINUTES));
            assertThat(ExceptionUtils.stringifyException(failed)).contains("postgres-cdc source")
                    .containsAnyOf("Connection to 127.0.0.1:" + postgres.port() + " refused", "terminating connection");
            assertThat(status(job)).isEqualTo(JobStatus.FAILED);
        } finally {
            postgres.startServer();
        }
    }

    private static void insert(int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            postgres.execute("shop", "INSERT INTO events VALUES (" + i + ", 'event " + i + "')");
        }
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
