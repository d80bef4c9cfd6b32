package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.flink.FlinkClasspath;
import io.ledgerstream.cli.flink.FlinkRestClient;
import io.ledgerstream.cli.flink.LocalFlinkCluster;
import io.ledgerstream.jobs.payments.CustomerTotal;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJson;
import io.ledgerstream.jobs.payments.SamplePayments;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.MetricsEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar, as built, submitted with {@code ledgerstream submit} to a real local Flink cluster (a JobManager and a
 * TaskManager in JVMs of their own, on the stock Flink classpath), reading from and writing to the standalone platform.
 * The JobManager and the TaskManager report through Flink's Prometheus reporter, the job's task metrics included.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FlinkClusterITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void theJobJarRunsOnTheLocalFlinkClusterAndItsTableMatchesItsInput() throws Exception {
        int metricsPort = FreePorts.consecutive(2);
        try (LocalBroker platform = LocalBroker.start(dir.resolve("platform").toFile(), Map.of());
             LocalFlinkCluster flink = LocalFlinkCluster.start(new LocalFlinkCluster.Settings(dir.resolve("flink"), 1,
                     2, FreePorts.consecutive(1), FreePorts.consecutive(1), metricsPort), FlinkClasspath.read(),
                     WAIT)) {
            String bootstrap = platform.bootstrap();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("payments", 3, (short) 2),
                        new NewTopic("customer-totals", 3, (short) 2), new NewTopic("payments-rejected", 1, (short) 2)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            Map<String, CustomerTotal> expected = new HashMap<>();
            SamplePayments sample = new SamplePayments(7, 10, "fc", 1_700_000_000_000L);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 1_000; i++) {
                    Payment p = sample.next();
                    producer.send(new ProducerRecord<>("payments", p.customerId.getBytes(StandardCharsets.UTF_8),
                            PaymentsJson.write(p)));
                    CustomerTotal t = expected.get(p.customerId);
                    expected.put(p.customerId, t == null ? CustomerTotal.first(p) : t.plus(p));
                }
            }

            String rest = flink.settings().restAddress();
            String submitted = CommandOutput.run("submit", "--cluster", rest, "--parallelism", "2",
                    System.getProperty("ledgerstream.job.jar"), "--bootstrap-servers", bootstrap,
                    "--checkpoint-interval", "1000");
            Matcher id = Pattern.compile("as job ([0-9a-f]{32})").matcher(submitted);
            assertThat(id.find()).as(submitted).isTrue();
            String jobId = id.group(1);

            Map<String, CustomerTotal> table = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> totals = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = List.of(new TopicPartition("customer-totals", 0),
                        new TopicPartition("customer-totals", 1), new TopicPartition("customer-totals", 2));
                totals.assign(partitions);
                totals.seekToBeginning(partitions);
                Await.until("the table the job writes matches its input", WAIT, () -> {
                    totals.poll(Duration.ofMillis(200)).forEach(r -> {
                        CustomerTotal row = PaymentsJson.parseTotal(r.value());
                        table.put(row.customerId, row);
                    });
                    return table.equals(expected);
                });
            }
            FlinkRestClient client = new FlinkRestClient(rest);
            assertThat(client.jobState(jobId)).isEqualTo("RUNNING");
            // The JobManager and the TaskManager took a port each of the reporters' range, in whichever order.
            String reported = new MetricsEndpoint(metricsPort).text() + new MetricsEndpoint(metricsPort + 1).text();
            assertThat(reported).contains("flink_jobmanager_numRegisteredTaskManagers")
                    .contains("flink_taskmanager_job_task_numRecordsIn")
                    .contains("job_id=\"" + jobId + "\"");
            client.cancel(jobId);
            Await.until("the job is cancelled", WAIT, () -> "CANCELED".equals(state(client, jobId)));
        }
    }

    private static String state(FlinkRestClient client, String jobId) {
        try {
            return client.jobState(jobId);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
