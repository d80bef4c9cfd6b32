package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brokers with two listeners, INTERNAL and EXTERNAL, on different loopback addresses, as a broker in a container
 * network is reached from inside the network and from the host: kafka-clients bootstrapped on either listener are
 * told that listener's addresses (DescribeCluster, Metadata, FindCoordinator) and produce and consume through it;
 * brokers reach each other on the inter-broker listener; a broker without a client's listener is not offered to it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NamedListenersITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROTOCOLS = "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT";
    private static final int RECORDS = 10;

    @TempDir
    Path dir;
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Where clients reach a broker on one listener. */
    private record Address(String host, int port) {
        static Address of(Node node) {
            return new Address(node.host(), node.port());
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    @Test
    void aBrokerAnswersClientsOfEachListenerWithThatListenersAdvertisedAddress() throws Exception {
        // EXTERNAL binds every interface on a free port and is advertised on another loopback address, with the
        // port it got; INTERNAL is advertised as it listens.
        try (LocalBroker local = LocalBroker.start(dir.toFile(), Map.of(
                "listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://0.0.0.0:0",
                "advertised.listeners", "EXTERNAL://127.0.0.2:0",
                "listener.security.protocol.map", PROTOCOLS,
                "inter.broker.listener.name", "INTERNAL",
                "group.initial.rebalance.delay.ms", "0"))) {
            Broker broker = local.broker();
            Address internal = new Address("127.0.0.1", broker.kafkaPort("INTERNAL"));
            Address external = new Address("127.0.0.2", broker.kafkaPort("EXTERNAL"));
            assertThat(internal.port()).isNotEqualTo(external.port());

            servesThrough("INTERNAL", Map.of(0, internal));
            servesThrough("EXTERNAL", Map.of(0, external));
        }
    }

    @Test
    void aClusterAnswersEachListenerWithItsAddressesAndItsBrokersTalkOnTheInterBrokerListener() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 2, 3, Map.of(
                "listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.2:0",
                "listener.security.protocol.map", PROTOCOLS,
                "inter.broker.listener.name", "INTERNAL",
                "group.initial.rebalance.delay.ms", "0",
                "leader.balance.delay.ms", "0",
                "offsets.topic.num.partitions", "4",
                "transaction.state.log.num.partitions", "4"));
        cluster.awaitLeadersSpread(2, WAIT);
        Map<Integer, Address> internal = addresses("INTERNAL", "127.0.0.1");
        Map<Integer, Address> external = addresses("EXTERNAL", "127.0.0.2");

        servesThrough("INTERNAL", internal);
        servesThrough("EXTERNAL", external);
        transactionThrough(external);
        brokerWithoutTheListenerIsNotOffered(internal, external);
    }

    /**
     * A transaction over EXTERNAL on partitions led by both brokers: the partition leader that is not the
     * transaction's coordinator verifies the producer with it, and is sent its commit marker by it, both on INTERNAL.
     * Every record read with read_committed means every marker arrived.
     */
    private void transactionThrough(Map<Integer, Address> external) throws Exception {
        String topic = "payments";
        String bootstrap = bootstrap(external);
        createTopic(bootstrap, topic, 4);
        Await.until("the partitions of " + topic + " led by both brokers", WAIT, () -> {
            ClusterView view = cluster.broker(0).cluster();
            return view.leaders(topic).map(l -> l.partitions().stream().map(PartitionLeaders.Leader::brokerId)
                    .distinct().count() == 2).orElse(false);
        });
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "listeners-txn"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 4 * RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                    new TopicPartition(topic, 2), new TopicPartition(topic, 3));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.size() < 4 * RECORDS && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
        }
        assertThat(read).hasSize(4 * RECORDS);
    }

    /**
     * A third broker with INTERNAL only: clients of INTERNAL are told of all three; clients of EXTERNAL of the two
     * that have it, and a partition the third leads has no leader for them: LISTENER_NOT_FOUND from Metadata v6 on,
     * LEADER_NOT_AVAILABLE before, the third broker an offline replica; a group it coordinates has no coordinator for
     * them.
     */
    private void brokerWithoutTheListenerIsNotOffered(Map<Integer, Address> internal,
                                                      Map<Integer, Address> external) throws Exception {
        try (Broker third = Broker.start(cluster.storage().brokerConfig(Map.of("broker.id", "2",
                "listeners", "INTERNAL://127.0.0.1:0", "listener.security.protocol.map", "INTERNAL:PLAINTEXT",
                "inter.broker.listener.name", "INTERNAL", "leader.balance.delay.ms", "0",
                "offsets.topic.num.partitions", "4", "transaction.state.log.num.partitions", "4")),
                Clock.systemUTC())) {
            Map<Integer, Address> allInternal = new TreeMap<>(internal);
            allInternal.put(2, new Address("127.0.0.1", third.kafkaPort("INTERNAL")));
            try (Admin overInternal = TestClients.admin(bootstrap(internal));
                 Admin overExternal = TestClients.admin(bootstrap(external))) {
                Await.until("clients of INTERNAL told of the third broker", WAIT,
                        () -> allInternal.equals(addresses(describeCluster(overInternal))));
                assertThat(addresses(describeCluster(overExternal))).isEqualTo(external);
            }
            createTopic(bootstrap(internal), "mixed", 3);
            try (Socket socket = new Socket("127.0.0.2", external.get(0).port())) {
                socket.setSoTimeout(30_000);
                MetadataResponseData[] seen = new MetadataResponseData[2];
                int[] ledByThird = {-1};
                Await.until("a partition of mixed led by the third broker", WAIT, () -> {
                    seen[0] = metadata(socket, "mixed", (short) 12);
                    seen[1] = metadata(socket, "mixed", (short) 5);
                    ledByThird[0] = ledBy(third.cluster(), "mixed", 2);
                    return ledByThird[0] >= 0 && errorOf(seen[0], ledByThird[0]) == Errors.LISTENER_NOT_FOUND
                            && errorOf(seen[1], ledByThird[0]) == Errors.LEADER_NOT_AVAILABLE;
                });
                for (MetadataResponseData response : seen) {
                    assertThat(response.brokers()).extracting(b -> new Address(b.host(), b.port()))
                            .containsExactlyInAnyOrderElementsOf(external.values());
                    MetadataResponseData.MetadataResponsePartition partition = response.topics().find("mixed")
                            .partitions().get(ledByThird[0]);
                    assertThat(partition.leaderId()).isEqualTo(-1);
                    assertThat(partition.offlineReplicas()).containsExactly(2);
                }
                coordinatorWithoutTheListenerIsNotOffered(socket, third, allInternal.get(2));
            }
        }
    }

    /**
     * A group whose coordinator is the third broker: FindCoordinator over INTERNAL gives its INTERNAL address, over
     * EXTERNAL (through {@code external}, a connection to broker 0) COORDINATOR_NOT_AVAILABLE, as Kafka answers.
     */
    private void coordinatorWithoutTheListenerIsNotOffered(Socket external, Broker third, Address thirdInternal)
            throws Exception {
        int partitions = third.config().offsetsTopicPartitions();
        try (Socket internal = new Socket("127.0.0.1", cluster.broker(0).kafkaPort("INTERNAL"))) {
            internal.setSoTimeout(30_000);
            FindCoordinatorResponseData.Coordinator[] seen = new FindCoordinatorResponseData.Coordinator[2];
            Await.until("a group coordinated by the third broker", WAIT, () -> {
                for (int i = 0; i < 100; i++) {
                    String group = "group-" + i;
                    int partition = OffsetStore.partitionFor(group, partitions);
                    if (cluster.broker(0).cluster().leader(new TopicPartition(OffsetStore.TOPIC, partition))
                            .filter(l -> l.brokerId() == 2).isEmpty()) {
                        continue;
                    }
                    seen[0] = findCoordinator(internal, group);
                    seen[1] = findCoordinator(external, group);
                    return seen[0].nodeId() == 2 && seen[1].errorCode() == Errors.COORDINATOR_NOT_AVAILABLE.code();
                }
                return false;
            });
            assertThat(new Address(seen[0].host(), seen[0].port())).isEqualTo(thirdInternal);
            assertThat(seen[1].nodeId()).isEqualTo(-1);
            assertThat(seen[1].errorMessage()).contains("has no listener EXTERNAL");
        }
    }

    private static FindCoordinatorResponseData.Coordinator findCoordinator(Socket socket, String group) {
        FindCoordinatorRequest request = new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id()).setCoordinatorKeys(List.of(group)))
                .build((short) 4);
        try {
            return FindCoordinatorResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(socket, request,
                    ++correlationId)), (short) 4).data().coordinators().get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index of a partition of {@code topic} the broker leads as {@code view} sees it; -1 if none. */
    private static int ledBy(ClusterView view, String topic, int brokerId) {
        Optional<PartitionLeaders> leaders = view.leaders(topic);
        if (leaders.isEmpty()) {
            return -1;
        }
        for (int p = 0; p < leaders.get().partitions().size(); p++) {
            if (leaders.get().leader(p).brokerId() == brokerId) {
                return p;
            }
        }
        return -1;
    }

    private static Errors errorOf(MetadataResponseData response, int partition) {
        MetadataResponseData.MetadataResponseTopic topic = response.topics().iterator().next();
        return topic.partitions().size() <= partition ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                : Errors.forCode(topic.partitions().get(partition).errorCode());
    }

    private static int correlationId;

    private static MetadataResponseData metadata(Socket socket, String topic, short version) {
        MetadataRequest request = new MetadataRequest.Builder(List.of(topic), false).build(version);
        try {
            return MetadataResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(socket, request,
                    ++correlationId)), version).data();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Clients bootstrapped on one listener: the admin client's cluster and topic leaders, the consumer's partition
     * leaders and its group's coordinator are all at {@code brokers}, that listener's addresses by broker id; records
     * produced through it are consumed through it in a group.
     */
    private void servesThrough(String listener, Map<Integer, Address> brokers) throws Exception {
        String bootstrap = bootstrap(brokers);
        String topic = "via-" + listener.toLowerCase(Locale.ROOT);
        String group = "group-" + listener.toLowerCase(Locale.ROOT);
        try (Admin admin = TestClients.admin(bootstrap)) {
            assertThat(addresses(describeCluster(admin))).isEqualTo(brokers);
            createTopic(bootstrap, topic, 2);
            Await.until("leaders of " + topic + " told to clients of " + listener, WAIT, () -> {
                try {
                    TopicDescription described = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(30, TimeUnit.SECONDS).get(topic);
                    return described.partitions().stream().map(TopicPartitionInfo::leader)
                            .allMatch(leader -> leader != null && !leader.isEmpty()
                                    && Address.of(leader).equals(brokers.get(leader.id())));
                } catch (Exception e) {
                    return false;
                }
            });
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, listener + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < RECORDS && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
            }
            consumer.commitSync(Duration.ofSeconds(30));
            for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                assertThat(Address.of(partition.leader())).isEqualTo(brokers.get(partition.leader().id()));
            }
        }
        assertThat(values).hasSize(RECORDS).allMatch(v -> v.startsWith(listener));
        try (Admin admin = TestClients.admin(bootstrap)) {
            Node coordinator = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group).coordinator();
            assertThat(Address.of(coordinator)).isEqualTo(brokers.get(coordinator.id()));
        }
    }

    /** Every running broker's address on a listener advertised at {@code host} with the port it bound. */
    private Map<Integer, Address> addresses(String listener, String host) {
        Map<Integer, Address> addresses = new TreeMap<>();
        cluster.running().forEach(id -> addresses.put(id, new Address(host, cluster.broker(id).kafkaPort(listener))));
        return addresses;
    }

    private static Map<Integer, Address> addresses(Collection<Node> nodes) {
        Map<Integer, Address> addresses = new TreeMap<>();
        nodes.forEach(n -> addresses.put(n.id(), Address.of(n)));
        return addresses;
    }

    private static Collection<Node> describeCluster(Admin admin) {
        try {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("DescribeCluster failed", e);
        }
    }

    private static String bootstrap(Map<Integer, Address> brokers) {
        return brokers.values().stream().map(Address::toString).collect(Collectors.joining(","));
    }

    private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }
}
