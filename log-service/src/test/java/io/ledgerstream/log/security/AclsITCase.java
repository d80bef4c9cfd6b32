package io.ledgerstream.log.security;

import static org.assertj.core.api.Assertions.assertThat;
import static io.ledgerstream.log.security.AclTesting.LISTENER;
import static io.ledgerstream.log.security.AclTesting.acl;
import static io.ledgerstream.log.security.AclTesting.allow;
import static io.ledgerstream.log.security.AclTesting.as;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.ledgerstream.log.quota.QuotaType;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.KafkaTool;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.TestClients;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.CreateAclsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.tools.AclCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs on two brokers with a SASL_PLAINTEXT PLAIN listener, enforced as Kafka's standard authorizer does: managed
 * with {@code kafka-acls}; without Write a producer's batch is refused and not written; a deny wins over an allow;
 * prefixed ACLs; group and transactional id ACLs; super users pass; Metadata lists only describable topics, and the
 * operations allowed on them when asked (KIP-430); client quotas need AlterConfigs (DescribeConfigs) on the cluster,
 * and one set holds on both brokers; an ACL made through one broker holds on the other within a second.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AclsITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 2, 3, AclTesting.brokerSettings("alice", "bob"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String bootstrap(int broker) {
        return "127.0.0.1:" + cluster.broker(broker).kafkaPort(LISTENER);
    }

    private static String bootstrap() {
        return AclTesting.bootstrap(cluster);
    }

    private static Admin admin(String user) {
        return AclTesting.admin(cluster, user);
    }

    private static KafkaProducer<String, String> producer(String user, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(as(user));
        settings.put("enable.idempotence", "false");
        settings.put("max.block.ms", "10000");
        settings.put("delivery.timeout.ms", "20000");
        settings.put("request.timeout.ms", "10000");
        settings.putAll(more);
        return TestClients.producer(bootstrap(), settings);
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = admin("admin")) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void grant(AclBinding... acls) throws Exception {
        AclTesting.grant(cluster, acls);
    }

    private static long endOffset(String topic) throws Exception {
        try (Admin admin = admin("admin")) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic) throws Exception {
        producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
    }

    @Test
    void kafkaAclsAddsListsAndRemovesAcls() throws Exception {
        Path config = dir.resolve("admin.properties");
        StringBuilder properties = new StringBuilder();
        as("admin").forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, properties.toString());
        String[] common = {"--bootstrap-server", bootstrap(0), "--command-config", config.toString()};
        KafkaTool.run("", () -> AclCommand.main(concat(common, "--add", "--allow-principal", "User:alice",
                "--operation", "Read", "--topic", "tool-topic", "--resource-pattern-type", "prefixed")));
        Await.until("kafka-acls --list shows the ACL", WAIT, () -> list(common).contains("User:alice")
                && list(common).contains("operation=READ") && list(common).contains("patternType=PREFIXED"));
        KafkaTool.run("", () -> AclCommand.main(concat(common, "--remove", "--force", "--allow-principal",
                "User:alice", "--operation", "Read", "--topic", "tool-topic", "--resource-pattern-type",
                "prefixed")));
        Await.until("kafka-acls --list no longer shows the ACL", WAIT, () -> !list(common).contains("User:alice"));
    }

    private static String list(String[] common) {
        try {
            return KafkaTool.run("", () -> AclCommand.main(concat(common, "--list", "--topic", "tool-topic",
                    "--resource-pattern-type", "prefixed")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /**
     * ACLs on users (who may create or describe tokens for whom) and on delegation tokens are stored, listed and
     * removed, as Kafka 4.1 accepts them; an empty name or another cluster's is INVALID_REQUEST with Kafka's
     * message, per ACL.
     */
    @Test
    void aclsOnUsersAndDelegationTokensAreKeptAndBadAclsRefusedWithKafkasMessages() throws Exception {
        AclBinding tokensForAlice = allow(ResourceType.USER, "User:alice", "User:bob", AclOperation.CREATE_TOKENS);
        AclBinding token = allow(ResourceType.DELEGATION_TOKEN, "token-1", "User:bob", AclOperation.DESCRIBE);
        grant(tokensForAlice, token);
        try (Admin admin = admin("admin")) {
            assertThat(admin.describeAcls(new AclBindingFilter(new ResourcePatternFilter(ResourceType.USER, null,
                    PatternType.ANY), AccessControlEntryFilter.ANY)).values().get(30, TimeUnit.SECONDS))
                    .containsExactly(tokensForAlice);
            assertThat(admin.deleteAcls(List.of(tokensForAlice.toFilter(), token.toFilter())).all()
                    .get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrder(tokensForAlice, token);
        }
        Await.until("every broker dropped the user and token ACLs", WAIT, () -> cluster.running().stream()
                .allMatch(id -> !cluster.broker(id).authorizer().acls().contains(tokensForAlice)
                        && !cluster.broker(id).authorizer().acls().contains(token)));

        CreateAclsRequestData bad = new CreateAclsRequestData().setCreations(List.of(
                creation(ResourceType.ANY.code(), "x", PatternType.LITERAL.code(), AclOperation.READ.code(),
                        AclPermissionType.ALLOW.code()),
                creation(ResourceType.TOPIC.code(), "x", PatternType.MATCH.code(), AclOperation.READ.code(),
                        AclPermissionType.ALLOW.code()),
                creation(ResourceType.TOPIC.code(), "x", PatternType.LITERAL.code(), AclOperation.ANY.code(),
                        AclPermissionType.ALLOW.code()),
                creation(ResourceType.TOPIC.code(), "x", PatternType.LITERAL.code(), AclOperation.READ.code(),
                        AclPermissionType.ANY.code()),
                creation(ResourceType.TOPIC.code(), "", PatternType.LITERAL.code(), AclOperation.READ.code(),
                        AclPermissionType.ALLOW.code()),
                creation(ResourceType.CLUSTER.code(), "other", PatternType.LITERAL.code(), AclOperation.ALTER.code(),
                        AclPermissionType.ALLOW.code()),
                creation(ResourceType.USER.code(), "User:alice", PatternType.LITERAL.code(),
                        AclOperation.DESCRIBE_TOKENS.code(), AclPermissionType.ALLOW.code())));
        try (Socket socket = AclTesting.loggedIn(cluster, cluster.running().get(0), "admin")) {
            CreateAclsResponse response = AclTesting.send(socket,
                    new CreateAclsRequest.Builder(bad).build((short) 3));
            assertThat(response.results()).extracting(r -> Errors.forCode(r.errorCode()), r -> r.errorMessage())
                    .containsExactly(
                            // Kafka's broker fails the whole request on these (UNKNOWN_SERVER_ERROR, from
                            // kafka-clients' own constructors); each is refused alone here, with their message.
                            tuple(Errors.INVALID_REQUEST, "resourceType must not be ANY"),
                            tuple(Errors.INVALID_REQUEST, "patternType must not be MATCH"),
                            tuple(Errors.INVALID_REQUEST, "operation must not be ANY"),
                            tuple(Errors.INVALID_REQUEST, "permissionType must not be ANY"),
                            tuple(Errors.INVALID_REQUEST, "Invalid empty resource name"),
                            tuple(Errors.INVALID_REQUEST,
                                    "The only valid name for the CLUSTER resource is kafka-cluster"),
                            tuple(Errors.NONE, null));
        }
    }

    private static CreateAclsRequestData.AclCreation creation(byte type, String name, byte pattern, byte operation,
                                                              byte permission) {
        return new CreateAclsRequestData.AclCreation().setResourceType(type).setResourceName(name)
                .setResourcePatternType(pattern).setPrincipal("User:bob").setHost("*").setOperation(operation)
                .setPermissionType(permission);
    }

    @Test
    void aBatchWithoutWriteIsRefusedAndNotWrittenWhileASuperUserWrites() throws Exception {
        createTopic("no-write");
        // Describe only: the producer finds the leader and sends its batch, which is refused.
        grant(allow(ResourceType.TOPIC, "no-write", "User:alice", AclOperation.DESCRIBE));
        try (KafkaProducer<String, String> producer = producer("alice", Map.of())) {
            assertThatThrownBy(() -> send(producer, "no-write"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset("no-write")).isZero();
        try (KafkaProducer<String, String> producer = producer("admin", Map.of())) {
            send(producer, "no-write");
        }
        assertThat(endOffset("no-write")).isEqualTo(1);
    }

    @Test
    void aDenyWinsOverAnAllowAndPrefixedAclsMatchByPrefix() throws Exception {
        createTopic("orders-eu");
        createTopic("orders-us");
        createTopic("ordersx");
        grant(acl(ResourceType.TOPIC, "orders-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE,
                        AclPermissionType.ALLOW),
                acl(ResourceType.TOPIC, "orders-us", PatternType.LITERAL, "User:alice", AclOperation.WRITE,
                        AclPermissionType.DENY),
                // Describe stays allowed on orders-us (a deny of Write does not deny Describe).
                allow(ResourceType.TOPIC, "orders-us", "User:alice", AclOperation.DESCRIBE));
        try (KafkaProducer<String, String> producer = producer("alice", Map.of())) {
            send(producer, "orders-eu");
            assertThatThrownBy(() -> send(producer, "orders-us"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> send(producer, "ordersx"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(endOffset("orders-eu")).isEqualTo(1);
        assertThat(endOffset("orders-us")).isZero();
        assertThat(endOffset("ordersx")).isZero();
    }

    @Test
    void groupAclsStopAConsumerJoiningUntilGranted() throws Exception {
        createTopic("grouped");
        grant(allow(ResourceType.TOPIC, "grouped", "User:bob", AclOperation.READ));
        Map<String, String> settings = new HashMap<>(as("bob"));
        settings.put("group.id", "bobs-group");
        settings.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap(), settings)) {
            consumer.subscribe(List.of("grouped"));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
        grant(allow(ResourceType.GROUP, "bobs-group", "User:bob", AclOperation.READ));
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap(), settings)) {
            consumer.subscribe(List.of("grouped"));
            Await.until("bob's consumer joins its group", WAIT, () -> {
                consumer.poll(Duration.ofMillis(200));
                return !consumer.assignment().isEmpty();
            });
        }
    }

    @Test
    void aTransactionalIdNeedsWriteOnIt() throws Exception {
        createTopic("txn-topic");
        grant(allow(ResourceType.TOPIC, "txn-topic", "User:alice", AclOperation.WRITE));
        Map<String, String> transactional = Map.of("transactional.id", "alice-tx", "enable.idempotence", "true");
        try (KafkaProducer<String, String> producer = producer("alice", transactional)) {
            assertThatThrownBy(producer::initTransactions)
                    .isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        grant(allow(ResourceType.TRANSACTIONAL_ID, "alice-tx", "User:alice", AclOperation.WRITE));
        try (KafkaProducer<String, String> producer = producer("alice", transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-topic", "k", "v"));
            producer.commitTransaction();
        }
        // The record and the commit marker.
        assertThat(endOffset("txn-topic")).isEqualTo(2);
    }

    /**
     * AddPartitionsToTxn naming a topic without Write, an unknown topic with Write and a topic with Write: as in
     * Kafka, the first is TOPIC_AUTHORIZATION_FAILED, the second UNKNOWN_TOPIC_OR_PARTITION and only the third
     * OPERATION_NOT_ATTEMPTED; none joins the transaction.
     */
    @Test
    void addPartitionsToTxnNamesEachRefusalAndLeavesTheRestNotAttempted() throws Exception {
        createTopic("mixed-denied");
        createTopic("mixed-allowed");
        grant(allow(ResourceType.TRANSACTIONAL_ID, "mixed-txn", "User:bob", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "mixed-allowed", "User:bob", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "mixed-missing", "User:bob", AclOperation.WRITE));
        TopicPartition denied = new TopicPartition("mixed-denied", 0);
        TopicPartition missing = new TopicPartition("mixed-missing", 0);
        TopicPartition allowed = new TopicPartition("mixed-allowed", 0);
        try (Socket socket = AclTesting.loggedIn(cluster, cluster.running().get(0), "bob")) {
            AddPartitionsToTxnResponse response = AclTesting.send(socket, AddPartitionsToTxnRequest.Builder
                    .forClient("mixed-txn", 4242L, (short) 0, List.of(denied, missing, allowed)).build((short) 3));
            assertThat(response.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(denied, Errors.TOPIC_AUTHORIZATION_FAILED,
                            missing, Errors.UNKNOWN_TOPIC_OR_PARTITION, allowed, Errors.OPERATION_NOT_ATTEMPTED));
        }
    }

    /**
     * Metadata v12 asked for the topics' authorized operations: as Kafka, a topic refused (TOPIC_AUTHORIZATION_FAILED)
     * keeps the field's default, Integer.MIN_VALUE, while one the principal may describe gets its operations, even
     * when it does not exist (UNKNOWN_TOPIC_OR_PARTITION).
     */
    @Test
    void metadataGivesTheOperationsOfDescribableTopicsOnlyErroredOrNot() throws Exception {
        createTopic("ops-shown");
        createTopic("ops-refused");
        grant(allow(ResourceType.TOPIC, "ops-shown", "User:bob", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "ops-absent", "User:bob", AclOperation.DESCRIBE));
        MetadataRequestData asked = new MetadataRequestData().setAllowAutoTopicCreation(false)
                .setIncludeTopicAuthorizedOperations(true);
        for (String topic : List.of("ops-shown", "ops-absent", "ops-refused")) {
            asked.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(topic));
        }
        try (Socket socket = AclTesting.loggedIn(cluster, cluster.running().get(0), "bob")) {
            MetadataResponse response = AclTesting.send(socket, new MetadataRequest.Builder(asked).build((short) 12));
            int describe = 1 << AclOperation.DESCRIBE.code();
            int write = 1 << AclOperation.WRITE.code();
            assertThat(response.data().topics()).extracting(t -> t.name(), t -> Errors.forCode(t.errorCode()),
                    t -> t.topicAuthorizedOperations()).containsExactlyInAnyOrder(
                    tuple("ops-shown", Errors.NONE, describe | write),
                    tuple("ops-absent", Errors.UNKNOWN_TOPIC_OR_PARTITION, describe),
                    tuple("ops-refused", Errors.TOPIC_AUTHORIZATION_FAILED, Integer.MIN_VALUE));
        }
    }

    @Test
    void metadataListsOnlyTheTopicsAPrincipalMayDescribe() throws Exception {
        createTopic("visible");
        createTopic("hidden");
        grant(allow(ResourceType.TOPIC, "visible", "User:bob", AclOperation.DESCRIBE));
        try (Admin bob = admin("bob")) {
            Set<String> names = bob.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(names).contains("visible").doesNotContain("hidden");
            // KIP-430: the operations bob may perform on the topic.
            assertThat(bob.describeTopics(List.of("visible"), new DescribeTopicsOptions()
                    .includeAuthorizedOperations(true)).allTopicNames().get(30, TimeUnit.SECONDS).get("visible")
                    .authorizedOperations()).containsExactly(AclOperation.DESCRIBE);
            assertThatThrownBy(() -> bob.describeTopics(List.of("hidden")).allTopicNames().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void clientQuotasNeedAlterConfigsOrDescribeConfigsOnTheCluster() throws Exception {
        ClientQuotaAlteration quota = new ClientQuotaAlteration(
                new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "acl-quota")),
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1048576.0)));
        try (Admin bob = admin("bob")) {
            assertThatThrownBy(() -> bob.describeClientQuotas(ClientQuotaFilter.all()).entities()
                    .get(30, TimeUnit.SECONDS)).cause().isInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> bob.alterClientQuotas(List.of(quota)).all().get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ClusterAuthorizationException.class);
            grant(allow(ResourceType.CLUSTER, "kafka-cluster", "User:bob", AclOperation.ALTER_CONFIGS));
            bob.alterClientQuotas(List.of(quota)).all().get(30, TimeUnit.SECONDS);
            Await.until("both brokers enforce the quota", WAIT, () -> cluster.running().stream().allMatch(id ->
                    cluster.broker(id).clientQuotas().limits().limit(QuotaType.PRODUCE, "anyone", "acl-quota")
                            != null));
            // AlterConfigs implies DescribeConfigs.
            assertThat(bob.describeClientQuotas(ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS))
                    .containsEntry(quota.entity(), Map.of("producer_byte_rate", 1048576.0));
        }
    }

    @Test
    void anAclMadeThroughOneBrokerHoldsOnTheOtherWithinASecond() throws Exception {
        KafkaPrincipal carol = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "carol");
        InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
        AclAuthorizer second = cluster.broker(1).authorizer();
        assertThat(second.authorize(carol, client, AclOperation.READ, ResourceType.TOPIC, "carols")).isFalse();
        try (Admin admin = TestClients.admin(bootstrap(0), as("admin"))) {
            admin.createAcls(List.of(allow(ResourceType.TOPIC, "carols", "User:carol", AclOperation.READ)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        long created = System.nanoTime();
        Await.until("broker 1 allows carol", Duration.ofSeconds(1), () ->
                second.authorize(carol, client, AclOperation.READ, ResourceType.TOPIC, "carols"));
        System.out.printf("ACL held on the second broker %d ms after CreateAcls returned%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - created));
        assertThat(second.authorize(carol, client, AclOperation.DESCRIBE, ResourceType.TOPIC, "carols"))
                .as("Read implies Describe").isTrue();
        assertThat(second.authorize(carol, client, AclOperation.WRITE, ResourceType.TOPIC, "carols")).isFalse();
    }
}
