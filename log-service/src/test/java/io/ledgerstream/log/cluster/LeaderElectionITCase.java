package io.ledgerstream.log.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader elections and dynamic settings across two brokers: a broker that comes back leads nothing until the balance
 * delay (here: ten minutes) passes, unless a preferred election moves its share to it at once; a setting for every
 * broker made through one broker reaches the other.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LeaderElectionITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 2, 3, Map.of("leader.balance.delay.ms", "600000",
                "group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Partitions each broker leads, as broker 0 sees the leaders. */
    private static Map<Integer, Integer> loads() {
        Map<Integer, Integer> loads = new HashMap<>(Map.of(0, 0, 1, 0));
        ClusterView view = cluster.broker(0).cluster();
        for (String topic : view.topicsWithLeaders()) {
            for (PartitionLeaders.Leader leader : view.leaders(topic).orElseThrow().partitions()) {
                loads.merge(leader.brokerId(), 1, Integer::sum);
            }
        }
        return loads;
    }

    @Test
    void aPreferredElectionGivesABrokerThatCameBackItsShareAtOnce() throws Exception {
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("elect", 6, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        cluster.stopBroker(1);
        Await.until("broker 0 leading every partition", WAIT, () -> loads().get(1) == 0);
        cluster.startBroker(1);
        assertThat(loads().get(1)).as("within the balance delay, leaders stay").isZero();

        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            Map<TopicPartition, Optional<Throwable>> elected = admin.electLeaders(ElectionType.PREFERRED, null)
                    .partitions().get(30, TimeUnit.SECONDS);
            assertThat(elected).isNotEmpty();
            assertThat(elected.values()).allSatisfy(error -> assertThat(error).isEmpty());
            Await.until("balanced leaders", WAIT, () -> Math.abs(loads().get(0) - loads().get(1)) <= 1);
            for (TopicPartition partition : elected.keySet()) {
                assertThat(cluster.broker(0).cluster().leader(partition).orElseThrow().brokerId())
                        .as("%s was elected onto broker 1", partition).isEqualTo(1);
            }

            TopicPartition moved = elected.keySet().iterator().next();
            assertThat(admin.electLeaders(ElectionType.PREFERRED, null).partitions().get(30, TimeUnit.SECONDS))
                    .as("nothing left to elect").isEmpty();
            assertThat(admin.electLeaders(ElectionType.PREFERRED, Set.of(moved)).partitions()
                    .get(30, TimeUnit.SECONDS).get(moved)).containsInstanceOf(ElectionNotNeededException.class);

            int leader = cluster.awaitLiveLeader(moved, WAIT);
            try (KafkaProducer<String, String> producer = TestClients.producer(cluster.bootstrap(), Map.of())) {
                assertThat(producer.send(new ProducerRecord<>(moved.topic(), moved.partition(), "k", "v"))
                        .get(30, TimeUnit.SECONDS).offset()).isZero();
            }
            assertThat(leader).isEqualTo(1);
        }
    }

    @Test
    void aBrokerThatIsNotTheControllerAnswersNotController() throws Exception {
        int controller;
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            controller = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
        }
        int other = controller == 0 ? 1 : 0;
        try (Socket socket = new Socket("127.0.0.1", cluster.broker(other).kafkaPort())) {
            ElectLeadersRequest request = new ElectLeadersRequest.Builder(ElectionType.PREFERRED, null, 30_000)
                    .build((short) 2);
            ElectLeadersResponseData response = new ElectLeadersResponseData(new ByteBufferAccessor(
                    RawKafkaRequests.exchange(socket, request, 1)), (short) 2);
            assertThat(response.errorCode()).isEqualTo(Errors.NOT_CONTROLLER.code());
        }
    }

    @Test
    void everyBrokersSettingsMadeThroughOneBrokerReachTheOther() throws Exception {
        ConfigResource everyBroker = new ConfigResource(ConfigResource.Type.BROKER, "");
        ConfigResource brokerOne = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = TestClients.admin("127.0.0.1:" + cluster.broker(0).kafkaPort())) {
            admin.incrementalAlterConfigs(Map.of(everyBroker, List.of(new AlterConfigOp(
                    new ConfigEntry("log.roll.ms", "3600000"), AlterConfigOp.OpType.SET)))).all()
                    .get(30, TimeUnit.SECONDS);
            Await.until("broker 1 holding the setting for every broker", WAIT, () -> {
                try {
                    ConfigEntry roll = admin.describeConfigs(List.of(brokerOne)).all().get(30, TimeUnit.SECONDS)
                            .get(brokerOne).get("log.roll.ms");
                    return roll.value().equals("3600000")
                            && roll.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            admin.incrementalAlterConfigs(Map.of(everyBroker, List.of(new AlterConfigOp(
                    new ConfigEntry("log.roll.ms", ""), AlterConfigOp.OpType.DELETE)))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
