package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.cli.flink.FlinkClasspath;
import io.ledgerstream.cli.flink.FlinkRestClient;
import io.ledgerstream.cli.flink.LocalFlinkCluster;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJson;
import io.ledgerstream.jobs.payments.SamplePayments;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LocalBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * {@code ledgerstream projections}: the projection files shipped in table-api, started on a real local Flink cluster
 * over the payments topic of the standalone platform, kept current as payments keep coming.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProjectionsCommandITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @TempDir
    Path dir;

    @Test
    void theShippedProjectionKeepsPaymentsByCurrencyCurrent() throws Exception {
        try (LocalBroker platform = LocalBroker.start(dir.resolve("platform").toFile(), Map.of());
             LocalFlinkCluster flink = LocalFlinkCluster.start(new LocalFlinkCluster.Settings(dir.resolve("flink"), 1,
                     2, FreePorts.consecutive(1), FreePorts.consecutive(1)), FlinkClasspath.read(), WAIT);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     platform.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("payments", 3, (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            SamplePayments sample = new SamplePayments(11, 9, "pr", 1_700_000_000_000L);
            Map<String, String> expected = new HashMap<>();
            Map<String, BigDecimal> totals = new HashMap<>();
            Map<String, Long> counts = new HashMap<>();
            send(producer, sample, 300, counts, totals, expected);

            String rest = flink.settings().restAddress();
            FlinkRestClient client = new FlinkRestClient(rest);
            try {
                String output = CommandOutput.run("projections", "--cluster", rest,
                        "--bootstrap-servers", platform.bootstrap(), "--data-dir", dir.resolve("data").toString(),
                        "--dir", System.getProperty("ledgerstream.projections.dir"));
                assertThat(output).contains("Successfully initialized").contains("Job ID")
                        .doesNotContain("[ERROR]");

                try (KafkaConsumer<byte[], byte[]> table = new KafkaConsumer<>(Map.of("bootstrap.servers",
                        platform.bootstrap()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    Map<String, String> rows = new HashMap<>();
                    Await.until("the projection's topic exists", WAIT,
                            () -> !table.partitionsFor("payments_by_currency").isEmpty());
                    List<TopicPartition> partitions = table.partitionsFor("payments_by_currency").stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    table.assign(partitions);
                    table.seekToBeginning(partitions);
                    awaitRows(table, rows, expected);

                    // The projection keeps running on the cluster: more payments move the totals on.
                    send(producer, sample, 100, counts, totals, expected);
                    awaitRows(table, rows, expected);
                }
            } finally {
                for (String job : client.activeJobIds()) {
                    client.cancel(job);
                }
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, SamplePayments sample, int count,
                             Map<String, Long> counts, Map<String, BigDecimal> totals, Map<String, String> expected) {
        for (int i = 0; i < count; i++) {
            Payment p = sample.next();
            producer.send(new ProducerRecord<>("payments", p.customerId.getBytes(StandardCharsets.UTF_8),
                    PaymentsJson.write(p)));
            counts.merge(p.currency, 1L, Long::sum);
            totals.merge(p.currency, p.amount, BigDecimal::add);
            expected.put(p.currency, counts.get(p.currency) + " " + totals.get(p.currency).setScale(2));
        }
        producer.flush();
    }

    private static void awaitRows(KafkaConsumer<byte[], byte[]> table, Map<String, String> rows,
                                  Map<String, String> expected) {
        Await.until("the projection holds " + expected, WAIT, () -> {
            for (ConsumerRecord<byte[], byte[]> r : table.poll(Duration.ofMillis(200))) {
                JsonNode value = tree(r.value());
                rows.put(value.get("currency").asText(), value.get("payments").asLong() + " "
                        + value.get("total").decimalValue().setScale(2));
            }
            return rows.equals(expected);
        });
    }

    private static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
