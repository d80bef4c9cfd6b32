package io.ledgerstream.log.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers, four bookies: groups hash to partitions of {@code __consumer_offsets} led by different brokers, each
 * broker answers for its own groups only, a killed coordinator's groups move with their committed offsets while the
 * other groups go on undisturbed, and transactional offsets land in their group's partition on its coordinator.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupCoordinatorPlacementITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "events";
    private static final int TOPIC_PARTITIONS = 3;

    @TempDir
    Path dir;
    private LocalCluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (cluster != null) {
            cluster.storage().resumeBookies();
            cluster.close();
        }
    }

    /**
     * Three brokers that take their share of leaders as soon as they join, once the controller has spread them
     * (no broker leads more than one partition more than another), so no leader moves during the test unless it
     * kills a broker. The offsets topic has the default partition count.
     */
    private void startCluster() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of("group.initial.rebalance.delay.ms", "0",
                "leader.balance.delay.ms", "0", "group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", "6000"));
        createTopic(TOPIC, TOPIC_PARTITIONS);
        cluster.awaitLeadersSpread(3, WAIT);
    }

    private int offsetsPartitions() {
        return cluster.broker(cluster.running().get(0)).config().offsetsTopicPartitions();
    }

    /** The broker that leads the group's partition of the offsets topic, as a running broker sees it. */
    private int coordinatorOf(String group) {
        return cluster.awaitLiveLeader(new TopicPartition(OffsetStore.TOPIC,
                OffsetStore.partitionFor(group, offsetsPartitions())), WAIT);
    }

    /** The first {@code count} group ids of the form {@code prefix-N} that {@code broker} coordinates. */
    private List<String> groupsCoordinatedBy(int broker, String prefix, int count) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; groups.size() < count; i++) {
            String group = prefix + "-" + i;
            if (coordinatorOf(group) == broker) {
                groups.add(group);
            }
        }
        return groups;
    }

    @Test
    void aKilledCoordinatorsGroupsMoveWithTheirOffsetsAndTheOtherGroupsAreNotDisturbed() throws Exception {
        killedCoordinatorsGroupsMove("classic");
    }

    @Test
    void aKilledCoordinatorsConsumerProtocolGroupsMoveWithTheirOffsetsAndTheOthersAreNotDisturbed()
            throws Exception {
        killedCoordinatorsGroupsMove("consumer");
    }

    /**
     * Two groups per broker, one member each, of the given group protocol; broker 1 dies: its two groups move with
     * their committed offsets, the others keep their coordinator, generation (or member epoch) and assignment.
     */
    private void killedCoordinatorsGroupsMove(String protocol) throws Exception {
        startCluster();
        produce(0, 300);
        Map<String, Integer> coordinators = new LinkedHashMap<>();
        for (int broker : cluster.running()) {
            groupsCoordinatedBy(broker, protocol + "-readers", 2).forEach(g -> coordinators.put(g, broker));
        }
        Map<String, Member> members = new LinkedHashMap<>();
        coordinators.keySet().forEach(g -> members.put(g, new Member(g, protocol)));
        pollUntil("every group's consumer read the first 300 records", members.values(), m -> m.read.size() == 300);
        members.values().forEach(m -> m.consumer.commitSync());

        Admin admin = TestClients.admin(cluster.bootstrap());
        clients.add(admin);
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(coordinators.keySet()).all()
                .get(30, TimeUnit.SECONDS);
        described.forEach((group, d) -> {
            assertThat(d.coordinator().id()).as("coordinator of %s", group).isEqualTo(coordinators.get(group));
            assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(d.members()).hasSize(1);
        });
        assertThat(Set.copyOf(coordinators.values())).as("coordinators").hasSize(3);
        assertThat(listGroups(admin)).as("groups listed by asking every broker").containsAll(coordinators.keySet());

        Map<String, Integer> generations = new HashMap<>();
        Map<String, Integer> callbacks = new HashMap<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        for (Map.Entry<String, Member> e : members.entrySet()) {
            String group = e.getKey();
            generations.put(group, e.getValue().consumer.groupMetadata().generationId());
            callbacks.put(group, e.getValue().callbacks.get());
            committed.put(group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS));
            assertThat(committed.get(group).values()).extracting(OffsetAndMetadata::offset).containsOnly(100L);
        }

        int victim = 1;
        cluster.haltBroker(victim);
        produce(300, 300);
        Set<String> moved = new HashSet<>();
        coordinators.forEach((group, broker) -> {
            if (broker == victim) {
                moved.add(group);
            }
        });
        pollUntil("every consumer read all 600 records, the moved groups' ones under their new coordinator",
                members.values(), m -> m.read.size() == 600 && m.consumer.assignment().size() == TOPIC_PARTITIONS);

        Map<String, ConsumerGroupDescription> after = admin.describeConsumerGroups(coordinators.keySet()).all()
                .get(30, TimeUnit.SECONDS);
        for (String group : coordinators.keySet()) {
            int coordinator = after.get(group).coordinator().id();
            if (moved.contains(group)) {
                assertThat(coordinator).as("new coordinator of %s", group).isNotEqualTo(victim)
                        .isEqualTo(coordinatorOf(group));
                assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30,
                        TimeUnit.SECONDS)).as("committed offsets of %s on its new coordinator", group)
                        .isEqualTo(committed.get(group));
            } else {
                Member m = members.get(group);
                assertThat(coordinator).as("coordinator of %s", group).isEqualTo(coordinators.get(group));
                assertThat(m.consumer.groupMetadata().generationId()).as("generation of %s", group)
                        .isEqualTo(generations.get(group));
                assertThat(m.callbacks.get()).as("rebalance callbacks of %s", group).isEqualTo(callbacks.get(group));
            }
        }
        assertThat(moved).hasSize(2);
        assertThat(listGroups(admin)).containsAll(coordinators.keySet());
    }

    @Test
    void aBrokerAnswersForTheGroupsOfThePartitionsItLeadsAndOnlyThose() throws Exception {
        startCluster();
        String mine = groupsCoordinatedBy(0, "mine", 1).get(0);
        String theirs = groupsCoordinatedBy(1, "theirs", 1).get(0);
        String third = groupsCoordinatedBy(2, "third", 1).get(0);
        try (Socket socket = connect(0)) {
            awaitLoaded(socket, mine);
            FindCoordinatorResponseData one = this.<FindCoordinatorResponse>send(socket, new FindCoordinatorRequest
                    .Builder(new FindCoordinatorRequestData().setKeyType((byte) 0).setKey(theirs)).build((short) 3))
                    .data();
            assertThat(one.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(one.nodeId()).isEqualTo(1);
            assertThat(one.port()).isEqualTo(cluster.broker(1).kafkaPort());
            FindCoordinatorResponseData batch = this.<FindCoordinatorResponse>send(socket, new FindCoordinatorRequest
                    .Builder(new FindCoordinatorRequestData().setKeyType((byte) 0)
                    .setCoordinatorKeys(List.of(mine, theirs, third))).build((short) 4)).data();
            assertThat(batch.coordinators()).extracting(FindCoordinatorResponseData.Coordinator::key,
                    FindCoordinatorResponseData.Coordinator::nodeId, FindCoordinatorResponseData.Coordinator::errorCode)
                    .containsExactly(tuple(mine, 0, (short) 0),
                            tuple(theirs, 1, (short) 0),
                            tuple(third, 2, (short) 0));

            TopicPartition tp = new TopicPartition(TOPIC, 0);
            assertThat(commit(socket, mine, tp, 5)).isEqualTo(Errors.NONE);
            assertThat(commit(socket, theirs, tp, 5)).isEqualTo(Errors.NOT_COORDINATOR);
            Map<String, Errors> fetched = offsetFetch(socket, List.of(mine, theirs), tp);
            assertThat(fetched).isEqualTo(Map.of(mine, Errors.NONE, theirs, Errors.NOT_COORDINATOR));

            HeartbeatResponse heartbeat = send(socket, new HeartbeatRequest.Builder(new HeartbeatRequestData()
                    .setGroupId(theirs).setMemberId("someone").setGenerationId(1)).build((short) 4));
            assertThat(heartbeat.error()).isEqualTo(Errors.NOT_COORDINATOR);

            DescribeGroupsResponse describe = send(socket, new DescribeGroupsRequest.Builder(
                    new DescribeGroupsRequestData().setGroups(List.of(mine, theirs))).build((short) 5));
            assertThat(describe.data().groups()).extracting(g -> g.groupId(), g -> Errors.forCode(g.errorCode()),
                            g -> g.groupState())
                    .containsExactly(tuple(mine, Errors.NONE, "Empty"),
                            tuple(theirs, Errors.NOT_COORDINATOR, ""));

            ListGroupsResponse listed = send(socket, new ListGroupsRequest.Builder(new ListGroupsRequestData())
                    .build((short) 4));
            assertThat(listed.data().groups()).extracting(g -> g.groupId()).containsExactly(mine);

            DeleteGroupsResponse deleted = send(socket, new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                    .setGroupsNames(List.of(mine, theirs, "mine-never-used"))).build((short) 2));
            Map<String, Errors> outcomes = new HashMap<>();
            deleted.data().results().forEach(r -> outcomes.put(r.groupId(), Errors.forCode(r.errorCode())));
            Errors unknownGroupHere = coordinatorOf("mine-never-used") == 0 ? Errors.GROUP_ID_NOT_FOUND
                    : Errors.NOT_COORDINATOR;
            assertThat(outcomes).isEqualTo(Map.of(mine, Errors.NONE, theirs, Errors.NOT_COORDINATOR,
                    "mine-never-used", unknownGroupHere));
        }
    }

    @Test
    void aPartitionLoadingOnItsNewCoordinatorAnswersLoadInProgressUntilItsOffsetsAreThere() throws Exception {
        startCluster();
        String group = groupsCoordinatedBy(1, "moving", 1).get(0);
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (Socket socket = connect(1)) {
            awaitLoaded(socket, group);
            assertThat(commit(socket, group, tp, 42)).isEqualTo(Errors.NONE);
        }
        TopicPartition offsets = new TopicPartition(OffsetStore.TOPIC, OffsetStore.partitionFor(group,
                offsetsPartitions()));
        // Bookies that do not answer hold the new leader's recovery of the partition, and with it the load.
        cluster.storage().suspendBookies();
        cluster.haltBroker(1);
        int next = cluster.awaitLiveLeader(offsets, WAIT);
        try (Socket socket = connect(next)) {
            Await.until("COORDINATOR_LOAD_IN_PROGRESS from the new coordinator", WAIT,
                    () -> offsetFetch(socket, List.of(group), tp).get(group) == Errors.COORDINATOR_LOAD_IN_PROGRESS);
            cluster.storage().resumeBookies();
            Await.until("the new coordinator answers", WAIT,
                    () -> offsetFetch(socket, List.of(group), tp).get(group) == Errors.NONE);
        }
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30,
                    TimeUnit.SECONDS)).isEqualTo(Map.of(tp, new OffsetAndMetadata(42)));
        }
    }

    @Test
    void transactionalOffsetsOfGroupsOnOtherBrokersCountWhenTheTransactionCommitsAndNotWhenItAborts()
            throws Exception {
        startCluster();
        produce(0, 10);
        int transactionPartitions = cluster.broker(0).config().transactions().stateLogPartitions();
        String transactionalId = null;
        for (int i = 0; transactionalId == null; i++) {
            String id = "copier-" + i;
            TopicPartition state = new TopicPartition("__transaction_state",
                    Utils.abs(id.hashCode()) % transactionPartitions);
            if (cluster.awaitLiveLeader(state, WAIT) == 0) {
                transactionalId = id;
            }
        }
        // Both groups are coordinated elsewhere than the transaction, and not in partition 0 of the offsets topic.
        String first = groupsCoordinatedBy(1, "copier-group", 4).stream()
                .filter(g -> OffsetStore.partitionFor(g, offsetsPartitions()) != 0).findFirst().orElseThrow();
        String second = groupsCoordinatedBy(2, "copier-group", 4).stream()
                .filter(g -> OffsetStore.partitionFor(g, offsetsPartitions()) != 0).findFirst().orElseThrow();
        TopicPartition tp = new TopicPartition(TOPIC, 0);

        try (KafkaProducer<String, String> producer = TestClients.producer(cluster.bootstrap(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 1, "k", "copied"));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(7)), new ConsumerGroupMetadata(first));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(8)), new ConsumerGroupMetadata(second));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 1, "k", "dropped"));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(9)), new ConsumerGroupMetadata(first));
            producer.abortTransaction();
        }
        assertThat(stableCommitted(first, tp)).isEqualTo(7);
        assertThat(stableCommitted(second, tp)).isEqualTo(8);
    }

    /** The group's committed offset as a read_committed consumer sees it (it waits out undecided transactions). */
    private long stableCommitted(String group, TopicPartition tp) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            return consumer.committed(Set.of(tp), Duration.ofSeconds(30)).get(tp).offset();
        }
    }

    /** One consumer of a group, with the rebalance callbacks it got and the records it read. */
    private final class Member {
        final KafkaConsumer<String, String> consumer;
        final AtomicInteger callbacks = new AtomicInteger();
        final Set<String> read = new HashSet<>();

        Member(String group) {
            this(group, "classic");
        }

        /** A member of the classic protocol or of the consumer protocol (KIP-848), whose timings the broker sets. */
        Member(String group, String protocol) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            if (protocol.equals("classic")) {
                p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
                p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
            }
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
            clients.add(consumer);
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    callbacks.incrementAndGet();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    callbacks.incrementAndGet();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    callbacks.incrementAndGet();
                }
            });
        }

        void poll() {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                read.add(r.value());
            }
        }
    }

    /** Polls every member in turn (their heartbeats go on in the background) until each meets {@code done}. */
    private static void pollUntil(String what, Collection<Member> members, Predicate<Member> done) {
        Await.until(what, WAIT, () -> {
            boolean all = true;
            for (Member m : members) {
                m.poll();
                all &= done.test(m);
            }
            return all;
        });
    }

    @SuppressWarnings("deprecation")
    private static Set<String> listGroups(Admin admin) throws Exception {
        Set<String> ids = new HashSet<>();
        admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream().map(ConsumerGroupListing::groupId)
                .forEach(ids::add);
        return ids;
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Produces records {@code from} to {@code from + count - 1} (their numbers as values) over the partitions. */
    private void produce(int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = TestClients.producer(cluster.bootstrap(), Map.of())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % TOPIC_PARTITIONS, "k" + i, Integer.toString(i)));
            }
            producer.flush();
        }
    }

    private Socket connect(int broker) throws IOException {
        Socket socket = new Socket("127.0.0.1", cluster.broker(broker).kafkaPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private int correlationId;

    @SuppressWarnings("unchecked")
    private <T extends AbstractResponse> T send(Socket socket, AbstractRequest request) {
        try {
            return (T) AbstractResponse.parseResponse(request.apiKey(), new ByteBufferAccessor(
                    RawKafkaRequests.exchange(socket, request, ++correlationId)), request.version());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** OffsetCommit v8 of one partition by a consumer that assigns its partitions itself: the partition's error. */
    private Errors commit(Socket socket, String group, TopicPartition tp, long offset) {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(tp.topic()).setPartitions(List.of(
                                new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                        .setPartitionIndex(tp.partition()).setCommittedOffset(offset)))));
        OffsetCommitResponse response = send(socket, OffsetCommitRequest.Builder.forTopicNames(data)
                .build((short) 8));
        return Errors.forCode(response.data().topics().get(0).partitions().get(0).errorCode());
    }

    /** Waits until the broker on {@code socket} answers for the group: it has loaded the group's partition. */
    private void awaitLoaded(Socket socket, String group) {
        Await.until("the coordinator of " + group + " to load its partition", WAIT,
                () -> offsetFetch(socket, List.of(group), new TopicPartition(TOPIC, 0)).get(group) == Errors.NONE);
    }

    /** OffsetFetch v8 of one partition for several groups in one request: each group's error. */
    private Map<String, Errors> offsetFetch(Socket socket, List<String> groups, TopicPartition tp) {
        OffsetFetchRequestData data = new OffsetFetchRequestData();
        for (String group : groups) {
            data.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(
                    List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(tp.topic())
                            .setPartitionIndexes(List.of(tp.partition())))));
        }
        OffsetFetchResponse response = send(socket, OffsetFetchRequest.Builder.forTopicNames(data, false)
                .build((short) 8));
        Map<String, Errors> errors = new LinkedHashMap<>();
        for (OffsetFetchResponseData.OffsetFetchResponseGroup g : response.data().groups()) {
            errors.put(g.groupId(), Errors.forCode(g.errorCode()));
        }
        return errors;
    }
}
