package io.ledgerstream.connectors.files.sink;

import static io.ledgerstream.connectors.testing.TestbedConnectors.header;
import static io.ledgerstream.connectors.testing.TestbedConnectors.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.testing.TestbedConnectors;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files sink in a Flink MiniCluster against the standalone platform: the committed part files hold the topic's
 * records line for line, a tombstone is skipped, and a value that is not a JSON object goes to the dead-letter topic.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FilesSinkITCase {
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

    /** The lines of the committed part files: visible ones, not the hidden in-progress files. */
    private static List<String> committedLines(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<String> lines = new ArrayList<>();
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String value) {
        producer.send(new ProducerRecord<>(topic, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void committedPartFilesHoldEachRecordAsALine() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out-a"));
        testbed.createTopics("sink-a", 2, "sink-a-dead", 1);
        List<String> expected = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            for (int i = 0; i < 300; i++) {
                String value = "{\"id\":" + i + ",\"name\":\"n, " + i + "\"}";
                expected.add(value);
                send(producer, "sink-a", value);
                if (i == 100) {
                    send(producer, "sink-a", null);
                    send(producer, "sink-a", "[\"not an object\"]");
                }
            }
            producer.flush();
        }
        JobClient job = TestbedConnectors.run(testbed, "name: sink-a\ntopics: [sink-a]\ncheckpoint-interval: 300 ms\n"
                + "errors: {tolerance: all, dead-letter-topic: sink-a-dead}\n"
                + "sink: {type: files, path: '" + out + "', roll-size: 1 KiB, roll-interval: 1 s}\n");
        try (var dead = testbed.reader("sink-a-dead")) {
            Await.until("every record is in a committed part file", WAIT,
                    () -> committedLines(out).size() >= expected.size());
            Await.until("the bad record is a dead letter", WAIT, () -> !dead.poll().isEmpty());

            assertThat(committedLines(out)).containsExactlyInAnyOrderElementsOf(expected);
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith(".")))
                        .as("rolled by size into several part files").hasSizeGreaterThan(1)
                        .allMatch(f -> f.startsWith("sink-a-") && f.endsWith(".jsonl"));
            }
            ConsumerRecord<byte[], byte[]> bad = dead.poll().get(0);
            assertThat(text(bad.value())).isEqualTo("[\"not an object\"]");
            assertThat(header(bad, "__connect.errors.topic")).isEqualTo("sink-a");
            assertThat(header(bad, "__connect.errors.exception.class.name"))
                    .isEqualTo(BadRecordException.class.getName());
            assertThat(header(bad, "__connect.errors.exception.message"))
                    .isEqualTo("The value is JSON but not an object (ARRAY)");
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void csvPartFilesHaveTheFieldsInOrderWithoutAHeader() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out-b"));
        testbed.createTopics("sink-b", 1);
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            send(producer, "sink-b", "{\"name\":\"Smith, J\",\"id\":1}");
            send(producer, "sink-b", "{\"id\":2,\"extra\":true}");
            producer.flush();
        }
        JobClient job = TestbedConnectors.run(testbed, "name: sink-b\ntopics: [sink-b]\ncheckpoint-interval: 300 ms\n"
                + "sink: {type: files, path: '" + out + "', file-format: csv, fields: [id, name], "
                + "roll-interval: 1 s}\n");
        try {
            Await.until("both rows are committed", WAIT, () -> committedLines(out).size() >= 2);

            assertThat(committedLines(out)).containsExactly("1,\"Smith, J\"", "2,");
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
