package io.ledgerstream.connectors.files.source;

import static io.ledgerstream.connectors.testing.TestbedConnectors.drop;
import static io.ledgerstream.connectors.testing.TestbedConnectors.header;
import static io.ledgerstream.connectors.testing.TestbedConnectors.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.testing.TestbedConnectors;
import io.ledgerstream.jobs.RetainedSnapshots;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files source in a Flink MiniCluster against the standalone platform: files dropped into a folder reach the
 * topic (read read_committed) line by line, once each, across a TaskManager kill; bad lines go to the dead-letter
 * topic with their file and line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FilesSourceITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static JobTestbed testbed;

    @BeforeAll
    static void start() throws Exception {
        testbed = JobTestbed.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (testbed != null) {
            testbed.close();
        }
    }

    private static String lines(int file, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("{\"file\": ").append(file).append(", \"line\": ").append(i).append("}\n");
        }
        return text.toString();
    }

    @Test
    void eachLineOfEachFileReachesTheTopicOnceAcrossATaskManagerKill() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in-a"));
        testbed.createTopics("files-a", 2);
        int files = 20;
        int perFile = 200;
        JobClient job = TestbedConnectors.run(testbed, "name: files-a\ntopic: files-a\nparallelism: 2\n"
                + "checkpoint-interval: 300 ms\nrestart: {delay: 100 ms}\n"
                + "source: {type: files, path: '" + in + "', poll-interval: 200 ms}\n");
        try (var topic = testbed.reader("files-a")) {
            for (int f = 0; f < files / 2; f++) {
                drop(in, "f" + f + ".jsonl", lines(f, perFile));
            }
            Await.until("lines were committed and a checkpoint completed", WAIT, () -> topic.poll().size() > 0
                    && RetainedSnapshots.latest(testbed.checkpoints("files-a")).isPresent());
            testbed.killAndReplaceTaskManager();
            for (int f = files / 2; f < files; f++) {
                drop(in, "f" + f + ".jsonl", lines(f, perFile));
            }

            Await.until("every line arrived", WAIT, () -> topic.poll().size() >= files * perFile);
            // A few more polls would show a line repeated by the restore.
            for (int i = 0; i < 5; i++) {
                topic.poll();
            }
            List<String> expected = new ArrayList<>();
            for (int f = 0; f < files; f++) {
                lines(f, perFile).lines().map(l -> l.replace(" ", "")).forEach(expected::add);
            }
            assertThat(testbed.flink().getExecutionGraph(job.getJobID()).get(10, TimeUnit.SECONDS)
                    .getStatusTimestamp(JobStatus.RESTARTING)).as("the job restarted after the kill").isPositive();
            assertThat(topic.values().stream().map(TestbedConnectors::text).toList())
                    .containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMalformedCsvLineGoesToTheDeadLetterTopicNamingItsFileAndLine() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in-b"));
        testbed.createTopics("files-b", 1, "files-b-dead", 1);
        drop(in, "notes.txt", "not,for,us\n");
        drop(in, "people.csv", "id,name\n1,\"Smith, J\"\n2,Lee,extra\n3,Ng\n");
        JobClient job = TestbedConnectors.run(testbed, "name: files-b\ntopic: files-b\ncheckpoint-interval: 300 ms\n"
                + "errors: {tolerance: all, dead-letter-topic: files-b-dead}\n"
                + "source: {type: files, path: '" + in + "', file-format: csv, key-field: id, glob: '*.csv', "
                + "poll-interval: 200 ms}\n");
        try (var topic = testbed.reader("files-b"); var dead = testbed.reader("files-b-dead")) {
            Await.until("the good lines and the bad one arrived", WAIT,
                    () -> topic.poll().size() >= 2 && !dead.poll().isEmpty());

            assertThat(topic.poll()).extracting(r -> text(r.key()), r -> text(r.value())).containsExactly(
                    tuple("1", "{\"id\":\"1\",\"name\":\"Smith, J\"}"),
                    tuple("3", "{\"id\":\"3\",\"name\":\"Ng\"}"));
            ConsumerRecord<byte[], byte[]> bad = dead.poll().get(0);
            assertThat(dead.poll()).hasSize(1);
            assertThat(text(bad.value())).isEqualTo("2,Lee,extra");
            assertThat(header(bad, "__connect.errors.origin")).isEqualTo("file " + in.resolve("people.csv").toUri()
                    .getPath() + " line 3");
            assertThat(header(bad, "__connect.errors.exception.class.name"))
                    .isEqualTo(BadRecordException.class.getName());
            assertThat(header(bad, "__connect.errors.exception.message"))
                    .isEqualTo("has 3 columns where the header names 2");
            assertThat(header(bad, "__connect.errors.connector.name")).isEqualTo("files-b");
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
