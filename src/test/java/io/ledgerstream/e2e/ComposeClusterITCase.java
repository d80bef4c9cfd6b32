package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.cli.flink.FlinkRestClient;
import io.ledgerstream.jobs.payments.CustomerTotal;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJob;
import io.ledgerstream.jobs.payments.PaymentsJson;
import io.ledgerstream.jobs.payments.SamplePayments;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docker/compose.yaml} run for real with podman: the images built from this build's artifacts on a Debian base
 * (no registry is reachable), ZooKeeper, 3 bookies, 3 brokers, a Flink JobManager and TaskManager, the set-up service
 * and Prometheus up and healthy; Kafka clients on this machine through the published ports; a broker killed, a bookie
 * stopped and started under load, the payments job the set-up service submitted checked against its input, Prometheus
 * scraping every process and holding every series the Grafana dashboard queries; and all of it torn down afterwards
 * (containers, volumes, network), failed or not. The commands' output and, at the end, each container's last log
 * lines go to {@code target/compose-it.log}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ComposeClusterITCase {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final List<String> LONG_RUNNING = List.of("zookeeper", "bookie-1", "bookie-2", "bookie-3",
            "broker-1", "broker-2", "broker-3", "jobmanager", "taskmanager", "prometheus");

    private Path log;
    private ComposeProject cluster;
    private String bootstrap;
    private List<Integer> brokerPorts;
    private int flinkPort;
    private String prometheus;
    private Path dashboard;

    @BeforeAll
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void buildTheImagesAndStartTheCluster() throws Exception {
        assumeTrue(installed("podman") && installed("podman-compose")
                || System.getenv("LEDGERSTREAM_REQUIRE_CONTAINERS") != null, "podman or podman-compose is missing");
        Path root = Path.of(System.getProperty("ledgerstream.root")).toAbsolutePath().normalize();
        log = Path.of("target", "compose-it.log").toAbsolutePath();
        Files.deleteIfExists(log);
        ComposeProject.removeAbandoned(log);
        buildImages(root);

        int first = FreePorts.consecutive(5);
        brokerPorts = List.of(first, first + 1, first + 2);
        flinkPort = first + 3;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LEDGERSTREAM_IMAGE", "localhost/ledgerstream:e2e");
        env.put("FLINK_IMAGE", "localhost/ledgerstream-flink:e2e");
        env.put("PROMETHEUS_IMAGE", "localhost/ledgerstream-prometheus:bookworm");
        env.put("LEDGERSTREAM_HOST", "127.0.0.1");
        env.put("PUBLISH_ADDRESS", "127.0.0.1");
        for (int i = 0; i < 3; i++) {
            env.put("BROKER_" + (i + 1) + "_PORT", Integer.toString(brokerPorts.get(i)));
        }
        env.put("FLINK_REST_PORT", Integer.toString(flinkPort));
        env.put("PROMETHEUS_PORT", Integer.toString(first + 4));
        prometheus = "http://127.0.0.1:" + (first + 4);
        dashboard = root.resolve("docker/grafana/ledgerstream.json");
        bootstrap = brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));

        cluster = ComposeProject.up(root.resolve("docker/compose.yaml"), env, log);
        cluster.awaitHealthy(WAIT, LONG_RUNNING.toArray(String[]::new));
        cluster.awaitSucceeded("setup", WAIT);
    }

    @AfterAll
    void tearDown() throws IOException {
        if (cluster != null) {
            try {
                Files.writeString(log, cluster.logs(200), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } finally {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void clientsOnThisMachineProduceAndConsumeThroughThePublishedPorts() throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            // Metadata asked on the EXTERNAL listener names every broker by its EXTERNAL endpoint.
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            assertThat(nodes).extracting(Node::host).containsOnly("127.0.0.1");
            assertThat(nodes).extracting(Node::port).containsExactlyInAnyOrderElementsOf(brokerPorts);
            admin.createTopics(List.of(new NewTopic("orders", 6, (short) 2))).all().get(60, TimeUnit.SECONDS);
        }
        Set<String> sent = produce("orders", "order-", 600);
        assertThat(readAll("orders")).containsExactlyInAnyOrderElementsOf(sent);
        // Every Ledgerstream role runs as the image's own user, not root.
        for (String service : List.of("zookeeper", "bookie-1", "broker-1")) {
            assertThat(cluster.exec(service, "id", "-un")).as(service).containsExactly("ledgerstream");
        }
    }

    @Test
    @Order(2)
    void theSetUpServiceCreatedTheTopicsAndThePaymentsJobComputesItsTable() throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(PaymentsJob.PAYMENTS,
                    PaymentsJob.TOTALS, PaymentsJob.REJECTED)).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.get(PaymentsJob.PAYMENTS).partitions()).hasSize(3);
            assertThat(topics.get(PaymentsJob.TOTALS).partitions()).hasSize(3);
            assertThat(topics.get(PaymentsJob.REJECTED).partitions()).hasSize(1);
        }
        FlinkRestClient flink = new FlinkRestClient("http://127.0.0.1:" + flinkPort);
        Optional<String> job = flink.activeJobNamed(PaymentsJob.NAME);
        assertThat(job).as("the payments job the set-up service submitted").isPresent();

        Map<String, CustomerTotal> expected = new HashMap<>();
        SamplePayments sample = new SamplePayments(11, 10, "compose", 1_700_000_000_000L);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 1_000; i++) {
                Payment p = sample.next();
                producer.send(new ProducerRecord<>(PaymentsJob.PAYMENTS, p.customerId.getBytes(StandardCharsets.UTF_8),
                        PaymentsJson.write(p)));
                expected.merge(p.customerId, CustomerTotal.first(p), (t, ignored) -> t.plus(p));
            }
        }
        Map<String, CustomerTotal> table = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> totals = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(PaymentsJob.TOTALS, 0),
                    new TopicPartition(PaymentsJob.TOTALS, 1), new TopicPartition(PaymentsJob.TOTALS, 2));
            totals.assign(partitions);
            totals.seekToBeginning(partitions);
            Await.until("the table the payments job writes matches its input", WAIT, () -> {
                totals.poll(Duration.ofMillis(500)).forEach(r -> {
                    CustomerTotal row = PaymentsJson.parseTotal(r.value());
                    table.put(row.customerId, row);
                });
                return table.equals(expected);
            });
        }
        assertThat(flink.jobState(job.get())).isEqualTo("RUNNING");

        // The set-up service may run again (a restart, another "up"): it changes nothing.
        assertThat(cluster.runAgain("setup")).contains(PaymentsJob.PAYMENTS + " already exists",
                "Job " + PaymentsJob.NAME + " already runs as job " + job.get() + "; not submitted again");
        assertThat(cluster.state("setup")).isEqualTo("exited 0");
        assertThat(flink.activeJobIds()).containsExactly(job.get());
    }

    @Test
    @Order(3)
    void aKilledBrokersPartitionsMoveAndNothingAcknowledgedIsLost() throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("failover", 6, (short) 2))).all().get(60, TimeUnit.SECONDS);
            Set<String> acknowledged = new HashSet<>(produce("failover", "before-", 300));

            Map<Integer, Long> led = leaders(admin, "failover").values().stream()
                    .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            int victim = led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            cluster.kill("broker-" + victim);
            Await.until("every partition of failover led by a live broker", WAIT, Duration.ofSeconds(1), () -> {
                Map<Integer, Integer> leaders = leaders(admin, "failover");
                return leaders.size() == 6 && !leaders.containsValue(victim) && !leaders.containsValue(-1);
            });

            acknowledged.addAll(produce("failover", "after-", 300));
            assertThat(readAll("failover")).containsExactlyInAnyOrderElementsOf(acknowledged);

            cluster.start("broker-" + victim);
            cluster.awaitHealthy(WAIT, "broker-" + victim);
        }
    }

    @Test
    @Order(4)
    void aBookieStoppedAndStartedUnderLoadLosesNothingAcknowledged() throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("under-load", 3, (short) 2))).all().get(60, TimeUnit.SECONDS);
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread load = new Thread(() -> {
            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of(
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000", ProducerConfig.LINGER_MS_CONFIG, "5"))) {
                for (long i = 0; !stop.get(); i++) {
                    String value = "load-" + i;
                    producer.send(new ProducerRecord<>("under-load", Long.toString(i), value), (metadata, e) -> {
                        if (e == null) {
                            acknowledged.add(value);
                        } else {
                            failures.add(e);
                        }
                    });
                    if (i % 100 == 99) {
                        // Bounded load: at most a few hundred records waiting at any time.
                        producer.flush();
                    }
                }
            }
        }, "compose-load");
        load.start();
        try {
            Await.until("load running", WAIT, () -> acknowledged.size() >= 1_000);
            cluster.stop("bookie-2");
            int whileStopped = acknowledged.size();
            Await.until("records acknowledged while bookie-2 is stopped", WAIT,
                    () -> acknowledged.size() >= whileStopped + 2_000);
            cluster.start("bookie-2");
            cluster.awaitHealthy(WAIT, "bookie-2");
            int afterStart = acknowledged.size();
            Await.until("records acknowledged after bookie-2 is back", WAIT,
                    () -> acknowledged.size() >= afterStart + 2_000);
        } finally {
            stop.set(true);
            load.join(TimeUnit.MINUTES.toMillis(3));
        }
        assertThat(load.isAlive()).as("the load's producer closed").isFalse();
        assertThat(failures).as("records the producer could not send").isEmpty();
        assertThat(readAll("under-load")).containsAll(acknowledged);
    }

    @Test
    @Order(5)
    void prometheusScrapesEveryProcessAndServesEverySeriesOfTheDashboard() throws Exception {
        PrometheusApi api = new PrometheusApi(prometheus);
        // TaskManagers are found by DNS, so Prometheus names them by address.
        Set<String> targets = Set.of("brokers broker-1:8080", "brokers broker-2:8080", "brokers broker-3:8080",
                "bookies bookie-1:8000", "bookies bookie-2:8000", "bookies bookie-3:8000", "flink jobmanager:9249",
                "flink TASKMANAGER:9249", "prometheus 127.0.0.1:9090");
        Supplier<Set<String>> up = () -> api.targetsUp().stream()
                .map(t -> t.replaceFirst("^flink \\d+\\.\\d+\\.\\d+\\.\\d+:", "flink TASKMANAGER:"))
                .collect(Collectors.toSet());
        try {
            Await.until("Prometheus scraping every target", WAIT, Duration.ofSeconds(2),
                    () -> up.get().equals(targets));
        } catch (AssertionError timedOut) {
            assertThat(up.get()).as("targets Prometheus scrapes").isEqualTo(targets);
            throw timedOut;
        }

        // A client's mistake reaches Prometheus as an error by API and code (and the error series exists).
        try (Admin admin = TestClients.admin(bootstrap)) {
            assertThat(admin.describeTopics(List.of("no-such-topic")).allTopicNames())
                    .failsWithin(Duration.ofSeconds(30));
        }
        Await.until("the unknown topic counted as an error", WAIT, Duration.ofSeconds(2), () -> api.query(
                "ledgerstream_request_errors_total{error=\"UNKNOWN_TOPIC_OR_PARTITION\"}")
                .path("result").size() > 0);

        JsonNode panels = new ObjectMapper().readTree(dashboard.toFile()).path("panels");
        List<String> queries = new ArrayList<>();
        panels.forEach(panel -> panel.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        assertThat(queries).isNotEmpty();
        Set<String> names = api.metricNames();
        for (String query : queries) {
            assertThat(names).as("series of %s", query).containsAll(PrometheusApi.metricsIn(query));
            api.query(query.replace("$__rate_interval", "1m"));
        }
    }

    /** Sends {@code count} records with acks=all and waits for each; returns their values. */
    private Set<String> produce(String topic, String prefix, int count) throws Exception {
        Set<String> values = new HashSet<>();
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap,
                Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"))) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String value = prefix + i;
                sends.add(producer.send(new ProducerRecord<>(topic, Integer.toString(i), value)));
                values.add(value);
            }
            for (Future<?> send : sends) {
                send.get(3, TimeUnit.MINUTES);
            }
        }
        return values;
    }

    /** Every value in the topic, read from its start to the end offsets of now. */
    private List<String> readAll(String topic) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Await.until("reading " + topic + " to its end", WAIT, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return values;
    }

    /** Each partition's leader; -1 for a partition without one. */
    private static Map<Integer, Integer> leaders(Admin admin, String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            Map<Integer, Integer> leaders = new HashMap<>();
            for (TopicPartitionInfo p : description.partitions()) {
                leaders.put(p.partition(), p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id());
            }
            return leaders;
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void buildImages(Path root) throws Exception {
        Process build = new ProcessBuilder(root.resolve("docker/build.sh").toString(), "--offline", "--tag", "e2e")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!build.waitFor(15, TimeUnit.MINUTES)) {
            build.descendants().forEach(ProcessHandle::destroyForcibly);
            build.destroyForcibly();
            throw new IllegalStateException("docker/build.sh did not finish within 15 minutes; see " + log);
        }
        assertThat(build.exitValue()).as("docker/build.sh exit code; see %s", log).isZero();
    }

    private static boolean installed(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
