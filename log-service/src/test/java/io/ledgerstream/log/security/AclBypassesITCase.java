package io.ledgerstream.log.security;

import static io.ledgerstream.log.security.AclTesting.acl;
import static io.ledgerstream.log.security.AclTesting.allow;
import static io.ledgerstream.log.security.AclTesting.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways around ACLs that Kafka closes, closed here too: an idempotent producer needs a Write on some topic that
 * no deny covers; a transactional batch needs its transactional id; a transactional offset commit needs Read on each
 * topic; a topic deleted by id is not named to whom may not describe it; a consumer's regular expression matches
 * only the topics it may describe.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AclBypassesITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 2, 3,
                AclTesting.brokerSettings("dave", "erin", "frank", "gus", "hank"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = AclTesting.admin(cluster, "admin")) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static int leaderOf(String topic) throws Exception {
        try (Admin admin = AclTesting.admin(cluster, "admin")) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().get(0).leader().id();
        }
    }

    private static AbstractRequest request(ApiKeys api, short version, ApiMessage data) {
        return AbstractRequest.parseRequest(api, version, MessageUtil.toByteBufferAccessor(data, version)).request;
    }

    @Test
    void anIdempotentProducerNeedsAWriteThatNoDenyCovers() throws Exception {
        AclTesting.grant(cluster,
                allow(ResourceType.TOPIC, "idem-a", "User:dave", AclOperation.WRITE),
                acl(ResourceType.TOPIC, "idem-", PatternType.PREFIXED, "User:dave", AclOperation.WRITE,
                        AclPermissionType.DENY),
                allow(ResourceType.TOPIC, "idem-b", "User:erin", AclOperation.WRITE),
                acl(ResourceType.TOPIC, "idem-b", PatternType.LITERAL, "User:erin", AclOperation.ALL,
                        AclPermissionType.DENY),
                allow(ResourceType.TOPIC, "idem-c", "User:gus", AclOperation.WRITE),
                acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:gus", AclOperation.WRITE,
                        AclPermissionType.DENY),
                acl(ResourceType.TOPIC, "idem-", PatternType.PREFIXED, "User:frank", AclOperation.WRITE,
                        AclPermissionType.ALLOW));
        AclAuthorizer authorizer = cluster.broker(0).authorizer();
        InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
        Map<String, Boolean> mayWriteSomeTopic = new HashMap<>();
        for (String user : List.of("dave", "erin", "gus", "frank", "hank")) {
            mayWriteSomeTopic.put(user, authorizer.authorizeAny(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, user),
                    client, AclOperation.WRITE, ResourceType.TOPIC));
        }
        assertThat(mayWriteSomeTopic).isEqualTo(Map.of("dave", false, "erin", false, "gus", false, "frank", true,
                "hank", false));
        // The same decisions over the wire: InitProducerId without a transactional id.
        for (String user : List.of("dave", "frank")) {
            try (Socket socket = AclTesting.loggedIn(cluster, 0, user)) {
                InitProducerIdResponse init = AclTesting.send(socket, request(ApiKeys.INIT_PRODUCER_ID, (short) 4,
                        new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)));
                assertThat(init.error()).as(user).isEqualTo(
                        user.equals("frank") ? Errors.NONE : Errors.CLUSTER_AUTHORIZATION_FAILED);
            }
        }
    }

    @Test
    void aTransactionalBatchWithoutItsTransactionalIdIsNotWrittenIntoAnotherProducersTransaction() throws Exception {
        createTopic("txn-open");
        AclTesting.grant(cluster, allow(ResourceType.TOPIC, "txn-open", "User:erin", AclOperation.WRITE));
        TopicPartition partition = new TopicPartition("txn-open", 0);
        Map<String, String> settings = new HashMap<>(as("admin"));
        settings.put("transactional.id", "admins-tx");
        try (KafkaProducer<String, String> owner = TestClients.producer(AclTesting.bootstrap(cluster), settings);
             Admin admin = AclTesting.admin(cluster, "admin")) {
            owner.initTransactions();
            owner.beginTransaction();
            owner.send(new ProducerRecord<>("txn-open", "k", "owner's")).get(30, TimeUnit.SECONDS);
            ProducerState open = admin.describeProducers(List.of(partition)).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).activeProducers().get(0);
            try (Socket socket = AclTesting.loggedIn(cluster, leaderOf("txn-open"), "erin")) {
                MemoryRecords intruding = MemoryRecords.withTransactionalRecords(Compression.NONE,
                        open.producerId(), (short) open.producerEpoch(), open.lastSequence() + 1,
                        new SimpleRecord("k".getBytes(), "erin's".getBytes()));
                assertThat(Errors.forCode(RawKafkaRequests.produce(socket, partition, intruding.buffer(), 1,
                        (short) 11, null).errorCode())).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
            }
            owner.commitTransaction();
            // The owner's record and its commit marker (written after the commit returns): nothing of erin's.
            Await.until("the commit marker is written", WAIT, () -> endOffset(admin, partition) >= 2);
            assertThat(endOffset(admin, partition)).isEqualTo(2);
        }
    }

    private static long endOffset(Admin admin, TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the end offset of " + partition, e);
        }
    }

    @Test
    void aTransactionalOffsetCommitNeedsReadOnEachTopic() throws Exception {
        createTopic("franks-input");
        createTopic("franks-secret");
        AclTesting.grant(cluster,
                allow(ResourceType.TRANSACTIONAL_ID, "franks-tx", "User:frank", AclOperation.WRITE),
                allow(ResourceType.GROUP, "franks-group", "User:frank", AclOperation.READ),
                allow(ResourceType.TOPIC, "franks-input", "User:frank", AclOperation.READ));
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId("franks-tx")
                .setGroupId("franks-group").setProducerId(1).setProducerEpoch((short) 0).setTopics(List.of(
                        topic("franks-input", 5), topic("franks-secret", 7)));
        for (int broker : cluster.running()) {
            try (Socket socket = AclTesting.loggedIn(cluster, broker, "frank")) {
                TxnOffsetCommitResponse response = AclTesting.send(socket,
                        request(ApiKeys.TXN_OFFSET_COMMIT, (short) 3, data));
                assertThat(response.errors().get(new TopicPartition("franks-secret", 0)))
                        .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED);
                // Whatever the coordinator makes of it, franks-input passed the check.
                assertThat(response.errors().get(new TopicPartition("franks-input", 0)))
                        .isNotEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED);
            }
        }
    }

    private static TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic(String name, long offset) {
        return new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(name).setPartitions(List.of(
                new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition().setPartitionIndex(0)
                        .setCommittedOffset(offset)));
    }

    @Test
    void aTopicDeletedByIdIsNotNamedToWhomMayNotDescribeIt() throws Exception {
        createTopic("gus-may-not-know");
        Uuid id;
        try (Admin admin = AclTesting.admin(cluster, "admin")) {
            id = admin.describeTopics(List.of("gus-may-not-know")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("gus-may-not-know").topicId();
        }
        try (Socket socket = AclTesting.loggedIn(cluster, 0, "gus")) {
            DeleteTopicsResponse response = AclTesting.send(socket, request(ApiKeys.DELETE_TOPICS, (short) 6,
                    new DeleteTopicsRequestData().setTimeoutMs(30_000).setTopics(List.of(
                            new DeleteTopicsRequestData.DeleteTopicState().setTopicId(id)))));
            DeleteTopicsResponseData.DeletableTopicResult result = response.data().responses().iterator().next();
            assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED);
            assertThat(result.name()).isNull();
            assertThat(result.errorMessage()).doesNotContain("gus-may-not-know");
        }
    }

    @Test
    void aRegularExpressionMatchesOnlyTheTopicsTheConsumerMayDescribe() throws Exception {
        createTopic("re-visible");
        createTopic("re-hidden");
        AclTesting.grant(cluster,
                allow(ResourceType.GROUP, "hanks-group", "User:hank", AclOperation.READ),
                allow(ResourceType.TOPIC, "re-visible", "User:hank", AclOperation.READ));
        Map<String, String> settings = new HashMap<>(as("hank"));
        settings.put("group.id", "hanks-group");
        settings.put("group.protocol", "consumer");
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(AclTesting.bootstrap(cluster), settings)) {
            consumer.subscribe(new SubscriptionPattern("re-.*"));
            Await.until("hank's consumer is assigned re-visible", WAIT, () -> {
                consumer.poll(Duration.ofMillis(200));
                return !consumer.assignment().isEmpty();
            });
            Set<String> topics = consumer.assignment().stream().map(TopicPartition::topic)
                    .collect(Collectors.toSet());
            assertThat(topics).containsExactly("re-visible");
        }
    }
}
