package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.TopicIds;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestClients;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic ids (KIP-516) as clients and tools see them: returned on creation and by describe and list, used by the
 * newest Produce and Fetch, new each time a name is used again, and given to topics stored before ids existed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopicIdsITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static int correlation;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static Uuid create(Admin admin, String topic) throws Exception {
        return admin.createTopics(List.of(new NewTopic(topic, 2, (short) 2))).topicId(topic).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aTopicsIdComesBackFromCreationDescribeListAndDescribeById() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            Uuid id = create(admin, "with-id");
            assertThat(TopicIds.isUsable(id)).isTrue();
            TopicDescription byName = admin.describeTopics(List.of("with-id")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("with-id");
            assertThat(byName.topicId()).isEqualTo(id);
            assertThat(admin.listTopics().listings().get(30, TimeUnit.SECONDS))
                    .filteredOn(l -> l.name().equals("with-id")).singleElement()
                    .satisfies(l -> assertThat(l.topicId()).isEqualTo(id));
            TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds()
                    .get(30, TimeUnit.SECONDS).get(id);
            assertThat(byId.name()).isEqualTo("with-id");
            assertThat(byId.partitions()).hasSize(2);
            assertThat(local.broker().metadata().topic("with-id").join().id()).isEqualTo(id);
        }
    }

    @Test
    void theNewestProduceAndFetchAreAdvertisedAndClientsUseThemEndToEnd() throws Exception {
        try (Socket socket = socket()) {
            ApiVersionsResponse versions = ApiVersionsResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(
                    socket, new ApiVersionsRequest.Builder().build((short) 3), ++correlation)), (short) 3);
            assertThat(versions.apiVersion(ApiKeys.PRODUCE.id).maxVersion()).isEqualTo(ApiKeys.PRODUCE.latestVersion());
            assertThat(versions.apiVersion(ApiKeys.FETCH.id).maxVersion()).isEqualTo(ApiKeys.FETCH.latestVersion());
            assertThat(versions.apiVersion(ApiKeys.METADATA.id).maxVersion())
                    .isEqualTo(ApiKeys.METADATA.latestVersion());
        }
        String topic = "newest-versions";
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            create(admin, topic);
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> read = TestClients.readFromStart(local.bootstrap(),
                new TopicPartition(topic, 1), 10, WAIT);
        assertThat(read).extracting(ConsumerRecord::value)
                .containsExactly("v1", "v3", "v5", "v7", "v9", "v11", "v13", "v15", "v17", "v19");
    }

    @Test
    void aTopicCreatedAgainUnderItsNameHasANewIdAndTheOldIdIsUnknownEverywhere() throws Exception {
        String topic = "born-again";
        Uuid first;
        Uuid second;
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            first = create(admin, topic);
            try (Socket socket = socket()) {
                assertThat(produce(socket, first, 0, "before").errorCode()).isEqualTo(Errors.NONE.code());
            }
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            Await.until("the topic is gone", WAIT, () -> !topicNames(admin).contains(topic));
            second = create(admin, topic);
            assertThat(second).isNotEqualTo(first);

            Throwable describe = catchCause(() -> admin.describeTopics(TopicCollection.ofTopicIds(List.of(first)))
                    .allTopicIds().get(30, TimeUnit.SECONDS));
            assertThat(describe).isInstanceOf(UnknownTopicIdException.class);
            Throwable delete = catchCause(() -> admin.deleteTopics(TopicCollection.ofTopicIds(List.of(first)))
                    .all().get(30, TimeUnit.SECONDS));
            assertThat(delete).isInstanceOf(UnknownTopicIdException.class);
        }
        try (Socket socket = socket()) {
            assertThat(produce(socket, first, 0, "stale").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            FetchResponseData.PartitionData stale = fetchOne(socket, first, topic, 0);
            assertThat(stale.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());

            ProduceResponseData.PartitionProduceResponse fresh = produce(socket, second, 0, "after");
            assertThat(fresh.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(fresh.baseOffset()).as("the new topic starts empty").isZero();
            FetchResponseData.PartitionData read = fetchOne(socket, second, topic, 0);
            assertThat(read.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(read.highWatermark()).isEqualTo(1);
        }
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.deleteTopics(TopicCollection.ofTopicIds(List.of(second))).all().get(30, TimeUnit.SECONDS);
            Await.until("the topic deleted by id is gone", WAIT, () -> !topicNames(admin).contains(topic));
        }
    }

    @Test
    void aTopicStoredWithoutAnIdGetsAStableOneWhenFirstRead() throws Exception {
        String topic = "stored-before-ids";
        Uuid given;
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            given = create(admin, topic);
        }
        // Write the record back as the first format had it, without the id or its index.
        String path = "/ledgerstream/topics/" + topic;
        TopicRecord stored = MetadataCodec.decodeTopic(local.cluster().zk().getData().forPath(path));
        local.cluster().zk().delete().forPath("/ledgerstream/topic-ids/" + given);
        local.cluster().zk().setData().forPath(path, firstFormat(stored));

        Uuid derived = TopicIds.derived(topic, stored.createdAtMs());
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.topicId()).isEqualTo(derived);
        }
        byte[] upgraded = local.cluster().zk().getData().forPath(path);
        assertThat(MetadataCodec.isCurrent(upgraded)).as("written again in the current format").isTrue();
        assertThat(MetadataCodec.decodeTopic(upgraded)).isEqualTo(new TopicRecord(topic, derived, stored.partitions(),
                stored.replication(), stored.configOverrides(), stored.createdAtMs()));
        try (Socket socket = socket()) {
            assertThat(produce(socket, derived, 1, "by-derived-id").errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    /** A topic record in the first format: a kind byte, version 1, then the fields of today's without the id. */
    private static byte[] firstFormat(TopicRecord topic) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(1);
            out.writeUTF(topic.name());
            out.writeInt(topic.partitions());
            out.writeInt(topic.replication().ensembleSize());
            out.writeInt(topic.replication().writeQuorum());
            out.writeInt(topic.replication().ackQuorum());
            out.writeLong(topic.createdAtMs());
            Map<String, String> overrides = new TreeMap<>(topic.configOverrides());
            out.writeInt(overrides.size());
            for (Map.Entry<String, String> e : overrides.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private static java.util.Set<String> topicNames(Admin admin) {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("listing topics failed", e);
        }
    }

    private static Socket socket() throws IOException {
        return RawKafkaRequests.connect(local.broker().kafkaPort());
    }

    private interface Call {
        void run() throws Exception;
    }

    private static Throwable catchCause(Call call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    /** Produce v13, which names the topic by id. */
    private static ProduceResponseData.PartitionProduceResponse produce(Socket socket, Uuid topicId, int partition,
                                                                        String value) throws IOException {
        short version = 13;
        ByteBuffer batch = TestBatches.keyless(value, System.currentTimeMillis());
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setTopicId(topicId).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                        .setRecords(MemoryRecords.readableRecords(batch)))));
        ByteBuffer body = RawKafkaRequests.exchange(socket, new ProduceRequest(data, version), ++correlation);
        ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData(new ByteBufferAccessor(body), version)
                .responses().iterator().next();
        assertThat(topic.topicId()).isEqualTo(topicId);
        return topic.partitionResponses().get(0);
    }

    /** A sessionless Fetch v18 of one partition from offset 0, naming the topic by id. */
    private static FetchResponseData.PartitionData fetchOne(Socket socket, Uuid topicId, String topic, int partition)
            throws IOException {
        short version = 18;
        Map<TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
        partitions.put(new TopicPartition(topic, partition),
                new FetchRequest.PartitionData(topicId, 0, 0, 1 << 20, Optional.empty()));
        FetchRequest request = FetchRequest.Builder.forConsumer(version, 0, 1, partitions)
                .metadata(FetchMetadata.LEGACY).build(version);
        FetchResponse response = FetchResponse.parse(new ByteBufferAccessor(
                RawKafkaRequests.exchange(socket, request, ++correlation)), version);
        assertThat(response.error()).isEqualTo(Errors.NONE);
        assertThat(response.data().responses()).singleElement()
                .satisfies(t -> assertThat(t.topicId()).isEqualTo(topicId));
        return response.data().responses().get(0).partitions().get(0);
    }
}
