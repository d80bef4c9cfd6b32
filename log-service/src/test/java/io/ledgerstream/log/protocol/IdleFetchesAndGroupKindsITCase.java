package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.storage.bookkeeper.BookKeeperPartitionLog;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edges of the fetch path and of group kinds against a real broker: idle long polls leave nothing behind, a session
 * forgets a deleted topic's partition, a refused consumer heartbeat leaves a classic group as it was.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdleFetchesAndGroupKindsITCase {
    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static int correlation;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of("leader.balance.delay.ms", "3600000"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static Socket socket() throws IOException {
        return RawKafkaRequests.connect(local.broker().kafkaPort());
    }

    private static Uuid createTopic(String name) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            return admin.createTopics(List.of(new NewTopic(name, 1, (short) 2))).topicId(name)
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static FetchResponse fetch(Socket socket, short version, String topic, Uuid id, FetchMetadata session,
                                       Map<Integer, Long> offsets, List<Integer> forgotten, int maxWaitMs)
            throws IOException {
        Uuid sent = version >= 13 ? id : Uuid.ZERO_UUID;
        Map<TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
        offsets.forEach((p, offset) -> partitions.put(new TopicPartition(topic, p),
                new FetchRequest.PartitionData(sent, offset, 0, 1 << 20, Optional.empty())));
        List<TopicIdPartition> forget = new ArrayList<>();
        forgotten.forEach(p -> forget.add(new TopicIdPartition(sent, p, topic)));
        FetchRequest request = FetchRequest.Builder.forConsumer(version, maxWaitMs, 1, partitions)
                .metadata(session).removed(forget).build(version);
        return FetchResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(socket, request, ++correlation)),
                version);
    }

    /** A long poll that times out gives its wait on an idle partition back: nothing gathers fetch after fetch. */
    @Test
    void longPollsThatTimeOutDoNotPileUpOnAnIdlePartition() throws Exception {
        String topic = "idle";
        Uuid id = createTopic(topic);
        try (Socket socket = socket()) {
            for (int i = 0; i < 100; i++) {
                FetchResponse response = fetch(socket, (short) 12, topic, id, FetchMetadata.LEGACY,
                        Map.of(0, 0L), List.of(), 5);
                assertThat(response.error()).isEqualTo(Errors.NONE);
            }
        }
        int waiting = ((BookKeeperPartitionLog) local.broker().logs().log(new TopicPartition(topic, 0))
                .get(30, TimeUnit.SECONDS)).waitingReaders();
        assertThat(waiting).as("waiters left on the idle partition after 100 finished fetches").isLessThan(5);
    }

    /**
     * A session opened with topic ids forgets a deleted topic's partition though the forgotten id no longer resolves
     * to a name, and never serves a topic created again under that name for the deleted topic's id.
     */
    @Test
    void aForgottenPartitionOfADeletedTopicLeavesTheSession() throws Exception {
        String topic = "doomed";
        Uuid oldId = createTopic(topic);
        try (Socket socket = socket()) {
            FetchResponse full = fetch(socket, (short) 17, topic, oldId, FetchMetadata.INITIAL, Map.of(0, 0L),
                    List.of(), 0);
            int session = full.sessionId();
            assertThat(session).isPositive();

            try (Admin admin = TestClients.admin(local.bootstrap())) {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
            Await.until("the broker forgets the deleted topic's id", Duration.ofSeconds(30),
                    () -> local.broker().cluster().topicName(oldId).join().isEmpty());
            fetch(socket, (short) 17, topic, oldId, new FetchMetadata(session, 1), Map.of(), List.of(0), 0);

            createTopic(topic);
            assertThat(RawKafkaRequests.produce(socket, new TopicPartition(topic, 0),
                    TestBatches.keyless("new topic", System.currentTimeMillis()), ++correlation).errorCode())
                    .isEqualTo(Errors.NONE.code());
            FetchResponse after = fetch(socket, (short) 17, topic, oldId, new FetchMetadata(session, 2), Map.of(),
                    List.of(), 1000);
            assertThat(after.error()).isEqualTo(Errors.NONE);
            List<String> carried = new ArrayList<>();
            for (FetchResponseData.FetchableTopicResponse t : after.data().responses()) {
                for (FetchResponseData.PartitionData p : t.partitions()) {
                    carried.add(t.topicId() + "-" + p.partitionIndex() + " error=" + Errors.forCode(p.errorCode())
                            + " bytes=" + FetchResponse.recordsSize(p));
                }
            }
            assertThat(carried).as("partitions in the response to a session that forgot everything").isEmpty();
        }
    }

    /**
     * A refused ConsumerGroupHeartbeat (an unknown member) leaves an empty classic group with committed offsets as
     * it was: listed, and deletable.
     */
    @Test
    void aFailedConsumerHeartbeatDoesNotHideAGroupWithOffsets() throws Exception {
        String topic = "orphan-topic";
        String group = "orphan";
        createTopic(topic);
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId))
                    .contains(group);

            try (Socket socket = socket()) {
                ConsumerGroupHeartbeatRequest request = new ConsumerGroupHeartbeatRequest.Builder(
                        new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId("nobody")
                                .setMemberEpoch(3)).build((short) 1);
                ConsumerGroupHeartbeatResponse response = ConsumerGroupHeartbeatResponse.parse(
                        new ByteBufferAccessor(RawKafkaRequests.exchange(socket, request, ++correlation)), (short) 1);
                assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            }

            Set<String> listed = new java.util.HashSet<>();
            admin.listGroups().all().get(30, TimeUnit.SECONDS).forEach(l -> listed.add(l.groupId()));
            assertThat(listed).as("groups listed after the failed heartbeat").contains(group);
            admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        }
    }
}
