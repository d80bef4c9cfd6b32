package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.KafkaTool;
import io.ledgerstream.log.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.LeaderElectionCommand;
import org.apache.kafka.tools.LogDirsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's administration tools (in-process) against two brokers: kafka-log-dirs, kafka-configs for brokers and
 * kafka-leader-election.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AdminToolsITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        // Leaders stay where they are for ten minutes after a broker joins, unless an election moves them.
        cluster = LocalCluster.start(dir.toFile(), 2, 3, Map.of("leader.balance.delay.ms", "600000",
                "group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String bootstrap() {
        return cluster.bootstrap();
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The sizes kafka-log-dirs reports for {@code topic}'s partitions, over every broker. */
    private static Map<String, Long> logDirSizes(String topic) throws Exception {
        String out = KafkaTool.run("", () -> LogDirsCommand.main("--bootstrap-server", bootstrap(), "--describe",
                "--topic-list", topic));
        assertThat(out).contains("Received log directory information from brokers 0,1");
        JsonNode json = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow());
        Map<String, Long> sizes = new java.util.TreeMap<>();
        for (JsonNode broker : json.get("brokers")) {
            assertThat(broker.get("logDirs")).hasSize(1);
            JsonNode logDir = broker.get("logDirs").get(0);
            assertThat(logDir.get("logDir").asText()).startsWith("zk+null://").endsWith("/ledgers");
            assertThat(logDir.get("error").isNull()).isTrue();
            for (JsonNode partition : logDir.get("partitions")) {
                sizes.put(partition.get("partition").asText(), partition.get("size").asLong());
            }
        }
        return sizes;
    }

    @Test
    void logDirsShowEachPartitionOnItsLeaderWithItsSize() throws Exception {
        createTopic("sized", 2);
        assertThat(logDirSizes("sized")).containsOnlyKeys("sized-0", "sized-1")
                .allSatisfy((partition, size) -> assertThat(size).as(partition).isZero());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
                "acks", "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("sized", 1, "k" + i, "x".repeat(2000))).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Long> sizes = logDirSizes("sized");
        assertThat(sizes.get("sized-0")).isZero();
        assertThat(sizes.get("sized-1")).isGreaterThan(20_000);
    }

    @Test
    void configsDescribesAndAltersBrokersAndRefusesReadOnlyKeys() throws Exception {
        String all = KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-name", "0", "--describe", "--all"}));
        assertThat(all).contains("All configs for broker 0 are:")
                .contains("num.partitions=1 sensitive=false synonyms={DEFAULT_CONFIG:num.partitions=1}")
                .contains("zookeeper.connect=" + cluster.storage().zookeeperConnect());

        KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-name", "0", "--alter", "--add-config",
                "log.retention.ms=3600000"}));
        String dynamic = KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-name", "0", "--describe"}));
        assertThat(dynamic).contains("Dynamic configs for broker 0 are:")
                .contains("log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:"
                        + "log.retention.ms=3600000, DEFAULT_CONFIG:log.retention.ms=604800000}");

        KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-default", "--alter", "--add-config", "log.segment.bytes=1048576"}));
        Await.until("broker 1 following the default of every broker", WAIT, () -> {
            try {
                return KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                        "--entity-type", "brokers", "--entity-name", "1", "--describe", "--all"}))
                        .contains("log.segment.bytes=1048576 sensitive=false "
                                + "synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=1048576");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        assertThatThrownBy(() -> KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server",
                bootstrap(), "--entity-type", "brokers", "--entity-name", "0", "--alter", "--add-config",
                "num.partitions=3"})))
                .hasMessageContaining("InvalidConfigurationException").hasMessageContaining("num.partitions")
                .hasMessageContaining("read-only");

        KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-name", "0", "--alter", "--delete-config", "log.retention.ms"}));
        KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-default", "--alter", "--delete-config", "log.segment.bytes"}));
        assertThat(KafkaTool.run("", () -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap(),
                "--entity-type", "brokers", "--entity-name", "0", "--describe"})))
                .doesNotContain("log.retention.ms=");
    }

    @Test
    void leaderElectionMovesLeadersToABrokerThatCameBack() throws Exception {
        createTopic("elected", 4);
        cluster.stopBroker(1);
        cluster.awaitLiveLeader(new TopicPartition("elected", 0), WAIT);
        Await.until("broker 0 leading every partition of elected", WAIT, () -> java.util.stream.IntStream.range(0, 4)
                .allMatch(p -> cluster.broker(0).cluster().leader(new TopicPartition("elected", p))
                        .map(l -> l.brokerId() == 0).orElse(false)));
        cluster.startBroker(1);

        String elected = KafkaTool.run("", () -> LeaderElectionCommand.main("--bootstrap-server", bootstrap(),
                "--election-type", "preferred", "--all-topic-partitions"));
        assertThat(elected).contains("Successfully completed leader election (PREFERRED) for partitions");
        assertThat(KafkaTool.run("", () -> LeaderElectionCommand.main("--bootstrap-server", bootstrap(),
                "--election-type", "preferred", "--all-topic-partitions"))).isBlank();
        assertThat(KafkaTool.run("", () -> LeaderElectionCommand.main("--bootstrap-server", bootstrap(),
                "--election-type", "unclean", "--topic", "elected", "--partition", "0")))
                .contains("Valid replica already elected for partitions elected-0");
    }
}
