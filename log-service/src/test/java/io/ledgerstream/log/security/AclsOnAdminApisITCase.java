package io.ledgerstream.log.security;

import static io.ledgerstream.log.security.AclTesting.allow;
import static io.ledgerstream.log.security.AclTesting.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.TestClients;
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
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs on the group, transaction, administration and broker-to-broker APIs on two brokers, through kafka-clients'
 * Admin and consumer, and through requests of their own on a SASL socket where the clients would be stopped earlier
 * (FindCoordinator needs the same ACL) or never send the request (broker to broker): each call is refused (and
 * changes nothing) without the ACL Kafka requires, and works once it is granted. Every test uses its own user, so that
 * the ACLs one grants do not reach another.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AclsOnAdminApisITCase {
    @TempDir
    static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 2, 3,
                AclTesting.brokerSettings("lister", "describer", "resizer", "viewer", "auditor", "fetcher",
                        "peer", "watcher"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Admin admin(String user) {
        return AclTesting.admin(cluster, user);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin("admin")) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Commits offset {@code offset} of partition 0 of each topic for a group (created empty by the commit). */
    private static void commit(String group, long offset, String... topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (String topic : topics) {
            offsets.put(new TopicPartition(topic, 0), new OffsetAndMetadata(offset));
        }
        try (Admin admin = admin("admin")) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(String topic, int records) throws Exception {
        Map<String, String> settings = new HashMap<>(as("admin"));
        settings.put("enable.idempotence", "false");
        try (KafkaProducer<String, String> producer = TestClients.producer(AclTesting.bootstrap(cluster), settings)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Set<String> groupsListedFor(String user) throws Exception {
        try (Admin admin = admin(user)) {
            return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId)
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void listGroupsShowsTheDescribableGroupsOrAllWithDescribeOnTheCluster() throws Exception {
        createTopic("listed", 1);
        commit("listed-a", 0, "listed");
        commit("listed-b", 0, "listed");
        assertThat(groupsListedFor("admin")).contains("listed-a", "listed-b");
        assertThat(groupsListedFor("lister")).doesNotContain("listed-a", "listed-b");
        AclTesting.grant(cluster, allow(ResourceType.GROUP, "listed-a", "User:lister", AclOperation.DESCRIBE));
        assertThat(groupsListedFor("lister")).contains("listed-a").doesNotContain("listed-b");
        AclTesting.grant(cluster, allow(ResourceType.CLUSTER, Resource.CLUSTER_NAME, "User:lister",
                AclOperation.DESCRIBE));
        assertThat(groupsListedFor("lister")).contains("listed-a", "listed-b");
    }

    @Test
    void describingAGroupNeedsDescribeAndDeletingItOrItsOffsetsDelete() throws Exception {
        createTopic("described", 1);
        commit("described-group", 3, "described");
        TopicPartition partition = new TopicPartition("described", 0);
        // kafka-clients finds the group's coordinator first, which needs Describe as well: DescribeGroups is also
        // asked directly.
        try (Socket socket = AclTesting.loggedIn(cluster, 0, "describer")) {
            DescribeGroupsResponse refused = AclTesting.send(socket, new DescribeGroupsRequest.Builder(
                    new DescribeGroupsRequestData().setGroups(List.of("described-group"))).build((short) 5));
            assertThat(refused.data().groups()).singleElement().satisfies(g ->
                    assertThat(g.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        try (Admin describer = admin("describer")) {
            assertThatThrownBy(() -> describer.describeConsumerGroups(List.of("described-group")).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupAuthorizationException.class);
        }

        AclTesting.grant(cluster, allow(ResourceType.GROUP, "described-group", "User:describer",
                AclOperation.DESCRIBE));
        try (Admin describer = admin("describer")) {
            ConsumerGroupDescription description = describer.describeConsumerGroups(List.of("described-group"),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                    .describedGroups().get("described-group").get(30, TimeUnit.SECONDS);
            assertThat(description.groupState()).isEqualTo(GroupState.EMPTY);
            assertThat(description.authorizedOperations()).containsExactly(AclOperation.DESCRIBE);
            // Describe is not Delete: neither the offsets nor the group go.
            assertThatThrownBy(() -> describer.deleteConsumerGroupOffsets("described-group", Set.of(partition))
                    .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupAuthorizationException.class);
            assertThatThrownBy(() -> describer.deleteConsumerGroups(List.of("described-group")).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupAuthorizationException.class);
        }
        assertThat(committed("admin", "described-group")).containsKey(partition);

        // Delete on the group, but no Read on the topic: the offset stays; the group may go.
        AclTesting.grant(cluster, allow(ResourceType.GROUP, "described-group", "User:describer",
                AclOperation.DELETE));
        try (Admin describer = admin("describer")) {
            assertThatThrownBy(() -> describer.deleteConsumerGroupOffsets("described-group", Set.of(partition))
                    .partitionResult(partition).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(committed("admin", "described-group")).containsKey(partition);
            describer.deleteConsumerGroups(List.of("described-group")).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(groupsListedFor("admin")).doesNotContain("described-group");
    }

    @Test
    void aConsumerGroupIsDescribedOnlyWithDescribeOnItAndOnTheTopicsOfItsAssignments() throws Exception {
        createTopic("watched", 1);
        Map<String, String> settings = new HashMap<>(as("admin"));
        settings.put("group.id", "watched-group");
        settings.put("group.protocol", "consumer");
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(AclTesting.bootstrap(cluster),
                settings)) {
            consumer.subscribe(List.of("watched"));
            Await.until("the consumer is assigned its partition", Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
            try (Socket socket = AclTesting.loggedIn(cluster, 0, "watcher")) {
                ConsumerGroupDescribeResponse refused = AclTesting.send(socket,
                        new ConsumerGroupDescribeRequest.Builder(new ConsumerGroupDescribeRequestData()
                                .setGroupIds(List.of("watched-group"))).build((short) 0));
                assertThat(refused.data().groups()).singleElement().satisfies(g ->
                        assertThat(g.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code()));
            }
            // Describe on the group, not on the topic its member is assigned: the group is not shown.
            AclTesting.grant(cluster, allow(ResourceType.GROUP, "watched-group", "User:watcher",
                    AclOperation.DESCRIBE));
            try (Admin watcher = admin("watcher")) {
                assertThatThrownBy(() -> watcher.describeConsumerGroups(List.of("watched-group")).all()
                        .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            AclTesting.grant(cluster, allow(ResourceType.TOPIC, "watched", "User:watcher", AclOperation.DESCRIBE));
            try (Admin watcher = admin("watcher")) {
                ConsumerGroupDescription description = watcher.describeConsumerGroups(List.of("watched-group"),
                        new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                        .describedGroups().get("watched-group").get(30, TimeUnit.SECONDS);
                assertThat(description.members()).singleElement().satisfies(m -> assertThat(
                        m.assignment().topicPartitions()).containsExactly(new TopicPartition("watched", 0)));
                assertThat(description.authorizedOperations()).containsExactly(AclOperation.DESCRIBE);
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String user, String group) throws Exception {
        try (Admin admin = admin(user)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void createPartitionsNeedsAlterAndDeleteRecordsDeleteOnTheTopic() throws Exception {
        createTopic("resized", 1);
        produce("resized", 2);
        TopicPartition partition = new TopicPartition("resized", 0);
        AclTesting.grant(cluster, allow(ResourceType.TOPIC, "resized", "User:resizer", AclOperation.DESCRIBE));
        try (Admin resizer = admin("resizer")) {
            assertThatThrownBy(() -> resizer.createPartitions(Map.of("resized", NewPartitions.increaseTo(2)))
                    .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> resizer.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1)))
                    .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(partitions("resized")).isEqualTo(1);
        assertThat(earliest(partition)).isZero();

        AclTesting.grant(cluster, allow(ResourceType.TOPIC, "resized", "User:resizer", AclOperation.ALTER),
                allow(ResourceType.TOPIC, "resized", "User:resizer", AclOperation.DELETE));
        try (Admin resizer = admin("resizer")) {
            resizer.createPartitions(Map.of("resized", NewPartitions.increaseTo(2))).all().get(30, TimeUnit.SECONDS);
            assertThat(resizer.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1)))
                    .lowWatermarks().get(partition).get(30, TimeUnit.SECONDS).lowWatermark()).isEqualTo(1);
        }
        assertThat(partitions("resized")).isEqualTo(2);
        assertThat(earliest(partition)).isEqualTo(1);
    }

    private static int partitions(String topic) throws Exception {
        try (Admin admin = admin("admin")) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        }
    }

    private static long earliest(TopicPartition partition) throws Exception {
        try (Admin admin = admin("admin")) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        }
    }

    @Test
    void clusterOperationsAreShownAndReassignmentsListedOnlyWithDescribeOnTheCluster() throws Exception {
        DescribeClusterOptions withOperations = new DescribeClusterOptions().includeAuthorizedOperations(true);
        try (Admin viewer = admin("viewer")) {
            // As on Kafka's brokers, DescribeCluster itself needs no ACL; the operations are shown only with Describe.
            assertThat(viewer.describeCluster(withOperations).nodes().get(30, TimeUnit.SECONDS)).hasSize(2);
            assertThat(viewer.describeCluster(withOperations).authorizedOperations().get(30, TimeUnit.SECONDS))
                    .isEmpty();
            assertThatThrownBy(() -> viewer.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> viewer.describeClientQuotas(
                    ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
        }
        AclTesting.grant(cluster, allow(ResourceType.CLUSTER, Resource.CLUSTER_NAME, "User:viewer",
                AclOperation.DESCRIBE));
        try (Admin viewer = admin("viewer")) {
            assertThat(viewer.describeCluster(withOperations).authorizedOperations().get(30, TimeUnit.SECONDS))
                    .containsExactly(AclOperation.DESCRIBE);
            assertThat(viewer.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void transactionsAreListedAndDescribedOnlyWithDescribeOnTheirId() throws Exception {
        createTopic("audited", 1);
        for (String id : List.of("audited-a", "audited-b")) {
            Map<String, String> settings = new HashMap<>(as("admin"));
            settings.put("transactional.id", id);
            try (KafkaProducer<String, String> producer = TestClients.producer(AclTesting.bootstrap(cluster),
                    settings)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("audited", "k", id)).get(30, TimeUnit.SECONDS);
                producer.commitTransaction();
            }
        }
        assertThat(transactionsListedFor("admin")).contains("audited-a", "audited-b");
        assertThat(transactionsListedFor("auditor")).doesNotContain("audited-a", "audited-b");
        // kafka-clients finds the coordinator first, which needs Describe as well: DescribeTransactions is also asked
        // directly.
        try (Socket socket = AclTesting.loggedIn(cluster, 0, "auditor")) {
            DescribeTransactionsResponse refused = AclTesting.send(socket, new DescribeTransactionsRequest.Builder(
                    new DescribeTransactionsRequestData().setTransactionalIds(List.of("audited-a")))
                    .build((short) 0));
            assertThat(refused.data().transactionStates()).singleElement().satisfies(t -> assertThat(t.errorCode())
                    .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
        }
        try (Admin auditor = admin("auditor")) {
            assertThatThrownBy(() -> auditor.describeTransactions(List.of("audited-a")).all()
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TransactionalIdAuthorizationException.class);
        }
        AclTesting.grant(cluster, allow(ResourceType.TRANSACTIONAL_ID, "audited-a", "User:auditor",
                AclOperation.DESCRIBE));
        assertThat(transactionsListedFor("auditor")).contains("audited-a").doesNotContain("audited-b");
        try (Admin auditor = admin("auditor")) {
            assertThat(auditor.describeTransactions(List.of("audited-a")).description("audited-a")
                    .get(30, TimeUnit.SECONDS).producerId()).isNotNegative();
        }
    }

    private static Set<String> transactionsListedFor(String user) throws Exception {
        try (Admin admin = admin(user)) {
            return admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).collect(Collectors.toSet());
        }
    }

    @Test
    void offsetFetchAnswersForTheDescribableTopicsOnly() throws Exception {
        createTopic("fetch-open", 1);
        createTopic("fetch-closed", 1);
        commit("fetching", 5, "fetch-open", "fetch-closed");
        TopicPartition open = new TopicPartition("fetch-open", 0);
        TopicPartition closed = new TopicPartition("fetch-closed", 0);
        AclTesting.grant(cluster, allow(ResourceType.GROUP, "fetching", "User:fetcher", AclOperation.READ),
                allow(ResourceType.TOPIC, "fetch-open", "User:fetcher", AclOperation.DESCRIBE));
        // Every partition asked for: the topic without Describe is left out.
        assertThat(committed("fetcher", "fetching")).containsOnlyKeys(open);
        Map<String, String> settings = new HashMap<>(as("fetcher"));
        settings.put("group.id", "fetching");
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(AclTesting.bootstrap(cluster),
                settings)) {
            // Named partitions: the one without Describe is TOPIC_AUTHORIZATION_FAILED.
            assertThatThrownBy(() -> consumer.committed(Set.of(open, closed), Duration.ofSeconds(30)))
                    .isInstanceOf(TopicAuthorizationException.class)
                    .satisfies(e -> assertThat(((TopicAuthorizationException) e).unauthorizedTopics())
                            .containsExactly("fetch-closed"));
            assertThat(consumer.committed(Set.of(open), Duration.ofSeconds(30)).get(open).offset())
                    .isEqualTo(5);
        }
        AclTesting.grant(cluster, allow(ResourceType.TOPIC, "fetch-closed", "User:fetcher", AclOperation.DESCRIBE));
        assertThat(committed("fetcher", "fetching")).containsOnlyKeys(open, closed);
    }

    @Test
    void brokerToBrokerApisNeedClusterActionAndDescribeProducersRead() throws Exception {
        createTopic("peered", 1);
        produce("peered", 1);
        TopicPartition partition = new TopicPartition("peered", 0);
        int leader;
        try (Admin admin = admin("admin")) {
            leader = admin.describeTopics(List.of("peered")).allTopicNames().get(30, TimeUnit.SECONDS).get("peered")
                    .partitions().get(0).leader().id();
        }
        try (Socket socket = AclTesting.loggedIn(cluster, leader, "peer")) {
            assertThat(writeAbortMarker(socket)).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED);
            AddPartitionsToTxnResponse verified = AclTesting.send(socket, verifyOnly());
            assertThat(verified.data().errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
            assertThat(epochEnd(socket).errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            assertThat(producers(socket).errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        }
        assertThat(latest(partition)).as("no marker was written").isEqualTo(1);

        AclTesting.grant(cluster, allow(ResourceType.CLUSTER, Resource.CLUSTER_NAME, "User:peer",
                AclOperation.CLUSTER_ACTION), allow(ResourceType.TOPIC, "peered", "User:peer", AclOperation.READ));
        try (Socket socket = AclTesting.loggedIn(cluster, leader, "peer")) {
            assertThat(writeAbortMarker(socket)).isEqualTo(Errors.NONE);
            AddPartitionsToTxnResponse verified = AclTesting.send(socket, verifyOnly());
            assertThat(verified.data().errorCode()).isEqualTo(Errors.NONE.code());
            OffsetForLeaderEpochResponseData.EpochEndOffset end = epochEnd(socket);
            assertThat(end.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(end.endOffset()).isEqualTo(2);
            assertThat(producers(socket).errorCode()).isEqualTo(Errors.NONE.code());
        }
        assertThat(latest(partition)).as("the abort marker").isEqualTo(2);
    }

    /** WriteTxnMarkers of an abort marker for a producer that never wrote: the partition's error. */
    private static Errors writeAbortMarker(Socket socket) throws Exception {
        WriteTxnMarkersResponse response = AclTesting.send(socket, new WriteTxnMarkersRequest.Builder(
                new WriteTxnMarkersRequestData().setMarkers(List.of(new WriteTxnMarkersRequestData.WritableTxnMarker()
                        .setProducerId(987_654L).setProducerEpoch((short) 0).setTransactionResult(false)
                        .setCoordinatorEpoch(0).setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                                .setName("peered").setPartitionIndexes(List.of(0)))))))
                .build((short) 1));
        return response.errorsByProducerId().get(987_654L).get(new TopicPartition("peered", 0));
    }

    /** The broker form of AddPartitionsToTxn (v4): whether a partition is in a transaction. */
    private static AddPartitionsToTxnRequest verifyOnly() {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName("peered")
                .setPartitions(List.of(0)));
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection transactions =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                .setTransactionalId("peer-tx").setProducerId(987_654L).setProducerEpoch((short) 0)
                .setVerifyOnly(true).setTopics(topics));
        return AddPartitionsToTxnRequest.Builder.forBroker(transactions).build((short) 4);
    }

    private static OffsetForLeaderEpochResponseData.EpochEndOffset epochEnd(Socket socket) throws Exception {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("peered")
                .setPartitions(List.of(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                        .setPartition(0).setLeaderEpoch(0).setCurrentLeaderEpoch(-1))));
        OffsetsForLeaderEpochResponse response = AclTesting.send(socket,
                OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build((short) 4));
        return response.data().topics().find("peered").partitions().get(0);
    }

    private static DescribeProducersResponseData.PartitionResponse producers(Socket socket) throws Exception {
        DescribeProducersResponse response = AclTesting.send(socket, new DescribeProducersRequest.Builder(
                new DescribeProducersRequestData().setTopics(List.of(new DescribeProducersRequestData.TopicRequest()
                        .setName("peered").setPartitionIndexes(List.of(0))))).build((short) 0));
        return response.data().topics().get(0).partitions().get(0);
    }

    private static long latest(TopicPartition partition) throws Exception {
        try (Admin admin = admin("admin")) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        }
    }
}
