package io.ledgerstream.log.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.MetricsConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.MetricsEndpoint;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestClients;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's {@code /metrics}, {@code /health} and {@code /ready} against real clients: {@code /ready} says 503 with
 * a reason until the broker serves and 200 from then on, and after a known produce and consume with kafka-clients
 * (and two raw Produce requests) the counters moved by exactly what the clients did. {@code /metrics} is read in
 * Prometheus' protobuf format with the Prometheus client library's own parser.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokerMetricsITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RECORDS = 100;
    /** Partitions of the internal topics a broker creates: 50 of {@code __consumer_offsets}, 8 of transactions. */
    private static final int INTERNAL_PARTITIONS = 58;

    @TempDir
    Path dir;

    @Test
    void readyOnceServingAndCountersMoveByExactlyWhatTheClientsDid() throws Exception {
        int port = FreePorts.consecutive(1);
        MetricsEndpoint endpoint = new MetricsEndpoint(port);
        CompletableFuture<LocalBroker> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return LocalBroker.start(dir.toFile(), Map.of(MetricsConfig.HTTP_PORT, Integer.toString(port),
                        "group.initial.rebalance.delay.ms", "0"));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        List<String> readyWhileStarting = new ArrayList<>();
        List<Integer> healthWhileStarting = new ArrayList<>();
        Await.until("the broker to start", Duration.ofSeconds(120), () -> {
            boolean startedBefore = starting.isDone();
            try {
                HttpResponse<String> ready = endpoint.get("/ready");
                if (!startedBefore) {
                    readyWhileStarting.add(ready.statusCode() + " " + ready.body().trim());
                    healthWhileStarting.add(endpoint.get("/health").statusCode());
                }
            } catch (ConnectException notYetListening) {
                // The endpoint opens once the bookies are up and the broker begins to start.
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return startedBefore;
        });
        try (LocalBroker broker = starting.join()) {
            assertThat(broker.broker().metricsPort()).isEqualTo(port);
            assertThat(readyWhileStarting).as("/ready while the broker started")
                    .anySatisfy(r -> assertThat(r).startsWith("503 starting: "));
            assertThat(healthWhileStarting).isNotEmpty().containsOnly(200);
            HttpResponse<String> ready = endpoint.get("/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready\n");

            String bootstrap = broker.bootstrap();
            try (Admin admin = TestClients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("metered", 2, (short) 2), new NewTopic("metered-raw", 1,
                        (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            MetricsEndpoint.Scrape before = endpoint.scrape();
            assertThat(before.value("ledgerstream_requests_total", "api", "CreateTopics")).isEqualTo(1);

            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of(
                    ProducerConfig.LINGER_MS_CONFIG, "0", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"))) {
                for (int i = 0; i < RECORDS; i++) {
                    // One record per request: each send is acknowledged before the next.
                    producer.send(new ProducerRecord<>("metered", "key-" + i, "value-" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            ByteBuffer raw = TestBatches.batch("raw", 5, 100, System.currentTimeMillis());
            int rawBytes = raw.remaining();
            try (Socket socket = new Socket("127.0.0.1", broker.broker().kafkaPort())) {
                assertThat(RawKafkaRequests.produce(socket, new TopicPartition("metered-raw", 0), raw, 1).errorCode())
                        .isEqualTo(Errors.NONE.code());
                assertThat(RawKafkaRequests.produce(socket, new TopicPartition("metered", 9),
                        TestBatches.single("nowhere", System.currentTimeMillis()), 2).errorCode())
                        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            int read = 0;
            try (KafkaConsumer<String, String> consumer = groupConsumer(bootstrap, "metered-readers")) {
                consumer.subscribe(List.of("metered"));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (read < RECORDS && System.nanoTime() < deadline) {
                    read += consumer.poll(Duration.ofMillis(100)).count();
                }
                MetricsEndpoint.Scrape withMember = endpoint.scrape();
                assertThat(withMember.value("ledgerstream_groups", "protocol", "classic")).isEqualTo(1);
                assertThat(withMember.value("ledgerstream_group_members", "protocol", "classic")).isEqualTo(1);
            }
            assertThat(read).isEqualTo(RECORDS);
            assertThat(TestClients.readFromStart(bootstrap, new TopicPartition("metered-raw", 0), 5, WAIT)).hasSize(5);

            MetricsEndpoint.Scrape after = endpoint.scrape();
            assertThat(delta(before, after, "ledgerstream_topic_records_in_total", "topic", "metered"))
                    .isEqualTo(RECORDS);
            assertThat(delta(before, after, "ledgerstream_topic_records_out_total", "topic", "metered"))
                    .isEqualTo(RECORDS);
            double bytesIn = delta(before, after, "ledgerstream_topic_bytes_in_total", "topic", "metered");
            assertThat(bytesIn).isPositive();
            assertThat(delta(before, after, "ledgerstream_topic_bytes_out_total", "topic", "metered"))
                    .isEqualTo(bytesIn);
            assertThat(delta(before, after, "ledgerstream_topic_records_in_total", "topic", "metered-raw"))
                    .isEqualTo(5);
            assertThat(delta(before, after, "ledgerstream_topic_bytes_in_total", "topic", "metered-raw"))
                    .isEqualTo(rawBytes);
            assertThat(delta(before, after, "ledgerstream_topic_records_out_total", "topic", "metered-raw"))
                    .isEqualTo(5);
            assertThat(delta(before, after, "ledgerstream_topic_bytes_out_total", "topic", "metered-raw"))
                    .isEqualTo(rawBytes);

            // The producer's 100 requests and the two raw ones, one of which named a partition that does not exist.
            assertThat(delta(before, after, "ledgerstream_requests_total", "api", "Produce")).isEqualTo(RECORDS + 2);
            assertThat(after.observations("ledgerstream_request_duration_seconds", "api", "Produce")
                    - before.observations("ledgerstream_request_duration_seconds", "api", "Produce"))
                    .isEqualTo(RECORDS + 2);
            assertThat(delta(before, after, "ledgerstream_request_errors_total", "api", "Produce",
                    "error", "UNKNOWN_TOPIC_OR_PARTITION")).isEqualTo(1);
            assertThat(after.families().get("ledgerstream_request_errors_total").getMetricList())
                    .allSatisfy(m -> assertThat(m.getLabelList()).noneMatch(l -> l.getName().equals("error")
                            && !l.getValue().equals("UNKNOWN_TOPIC_OR_PARTITION")
                            && m.getLabelList().stream().anyMatch(a -> a.getValue().equals("Produce"))));
            assertThat(delta(before, after, "ledgerstream_requests_total", "api", "Fetch")).isPositive();
            assertThat(after.value("ledgerstream_requests_total", "api", "CreateTopics")).isEqualTo(1);
            assertThat(delta(before, after, "ledgerstream_group_rebalances_total", "protocol", "classic"))
                    .isEqualTo(1);

            // Every partition of the five topics is led here, open, and writing to a ledger of its own.
            int partitions = INTERNAL_PARTITIONS + 3;
            assertThat(after.value("ledgerstream_partitions_led")).isEqualTo(partitions);
            assertThat(after.value("ledgerstream_partitions_open")).isEqualTo(partitions);
            assertThat(after.value("ledgerstream_open_ledgers")).isGreaterThanOrEqualTo(partitions);
            assertThat(after.value("ledgerstream_controller_active")).isEqualTo(1);
            // New topics come with their leaders; with one broker, the controller never moves one.
            assertThat(after.families().get("ledgerstream_controller_leader_moves_total").getMetricList())
                    .hasSize(3).allSatisfy(m -> assertThat(m.getCounter().getValue()).isZero());
            assertThat(after.value("ledgerstream_bookie_appends_in_flight")).isZero();
            assertThat(after.observations("ledgerstream_bookie_append_duration_seconds")
                    - before.observations("ledgerstream_bookie_append_duration_seconds"))
                    .isGreaterThanOrEqualTo(RECORDS + 1);
            assertThat(delta(before, after, "ledgerstream_batch_cache_hits_total")).isPositive();
            assertThat(after.value("ledgerstream_batch_cache_bytes")).isPositive();
            assertThat(after.value("ledgerstream_connections_accepted_total")).isGreaterThanOrEqualTo(4);
            assertThat(after.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
            assertThat(after.value("jvm_threads_current")).isPositive();
            assertThat(after.has("jvm_gc_collection_seconds")).isTrue();

            // A deleted topic's series go with it.
            try (Admin admin = TestClients.admin(bootstrap)) {
                admin.deleteTopics(List.of("metered-raw")).all().get(30, TimeUnit.SECONDS);
            }
            Await.until("the deleted topic's series to go", WAIT, () -> {
                try {
                    return endpoint.text().lines().noneMatch(l -> l.contains("topic=\"metered-raw\""));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(endpoint.scrape().value("ledgerstream_topic_records_in_total", "topic", "metered"))
                    .isEqualTo(RECORDS);
        }
    }

    private static double delta(MetricsEndpoint.Scrape before, MetricsEndpoint.Scrape after, String name,
                                String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static KafkaConsumer<String, String> groupConsumer(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
