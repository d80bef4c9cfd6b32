package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster administration APIs through kafka-clients' Admin on one broker: log dirs with partition sizes, the
 * broker's configs (described with their sources, the dynamic ones changed live and durably), leader elections,
 * partition reassignments and ACLs refused as Kafka refuses them here.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AdminApisITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "0");
    private static final ConfigResource EVERY_BROKER = new ConfigResource(ConfigResource.Type.BROKER, "");

    @TempDir
    static Path dir;
    private static LocalBroker local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of("log.retention.ms", "86400000"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
        return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failure(org.apache.kafka.common.KafkaFuture<?> future) {
        assertThatThrownBy(() -> get(future)).isInstanceOf(ExecutionException.class);
        try {
            get(future);
            throw new AssertionError("unreachable");
        } catch (Exception e) {
            return e.getCause();
        }
    }

    private static Config describe(Admin admin, ConfigResource resource) throws Exception {
        return get(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)).all())
                .get(resource);
    }

    private static void alter(Admin admin, ConfigResource resource, AlterConfigOp op) throws Exception {
        get(admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all());
    }

    @Test
    void describeLogDirsGivesEachLedPartitionASizeThatGrowsWithWhatIsProduced() throws Exception {
        String logDir = local.broker().config().bookkeeperMetadataUri();
        TopicPartition written = new TopicPartition("dirs", 0);
        TopicPartition untouched = new TopicPartition("dirs", 1);
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            get(admin.createTopics(List.of(new NewTopic("dirs", 2, (short) 2))).all());
            // The broker lists the partitions it leads as its view of the leaders has them: a moment after creation.
            Await.until("the new partitions are in the log dir", Duration.ofSeconds(30), () -> {
                try {
                    LogDirDescription dir = get(admin.describeLogDirs(List.of(0)).allDescriptions()).get(0)
                            .get(logDir);
                    return dir != null && dir.replicaInfos().containsKey(written);
                } catch (Exception e) {
                    throw new AssertionError("describing the log dirs failed", e);
                }
            });
            LogDirDescription before = get(admin.describeLogDirs(List.of(0)).allDescriptions()).get(0).get(logDir);
            assertThat(before).as("the broker's one log dir, named after its BookKeeper ledgers").isNotNull();
            assertThat(before.error()).isNull();
            assertThat(before.totalBytes()).isEmpty();
            assertThat(before.usableBytes()).isEmpty();
            assertThat(before.replicaInfos().get(written).size()).isZero();

            String value = "v".repeat(1000);
            try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("dirs", 0, "k" + i, value)).get(30, TimeUnit.SECONDS);
                }
            }
            Map<TopicPartition, ReplicaInfo> after = get(admin.describeLogDirs(List.of(0)).allDescriptions())
                    .get(0).get(logDir).replicaInfos();
            assertThat(after.get(written).size()).as("20 batches of one 1 KB record, in the open segment")
                    .isGreaterThan(20_000).isLessThan(30_000);
            assertThat(after.get(written).offsetLag()).isZero();
            assertThat(after.get(written).isFuture()).isFalse();
            assertThat(after.get(untouched).size()).isZero();
        }
    }

    @Test
    void theBrokersConfigsAreDescribedWithTheirSourcesSynonymsAndReadOnlyFlags() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            Config config = describe(admin, BROKER);
            ConfigEntry retention = config.get("log.retention.ms");
            assertThat(retention.value()).isEqualTo("86400000");
            assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(retention.isReadOnly()).isFalse();
            assertThat(retention.synonyms()).extracting(ConfigEntry.ConfigSynonym::source).containsExactly(
                    ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            assertThat(retention.synonyms().get(1).value()).isEqualTo("604800000");
            assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);

            ConfigEntry partitions = config.get("num.partitions");
            assertThat(partitions.value()).isEqualTo("1");
            assertThat(partitions.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            assertThat(partitions.isReadOnly()).isTrue();
            assertThat(config.get("zookeeper.connect").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(config.get("broker.id").value()).isEqualTo("0");

            ConfigResource other = new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "0");
            assertThat(failure(admin.describeConfigs(List.of(other)).values().get(other)))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("loggers");
        }
    }

    @Test
    void aDynamicTopicDefaultIsAppliedToOpenLogsAtOnceAndAStaticKeyIsRefused() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap());
             KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            get(admin.createTopics(List.of(new NewTopic("live", 1, (short) 2))).all());
            String big = "b".repeat(10_000);
            producer.send(new ProducerRecord<>("live", 0, "before", big)).get(30, TimeUnit.SECONDS);

            alter(admin, BROKER, new AlterConfigOp(new ConfigEntry("message.max.bytes", "2048"),
                    AlterConfigOp.OpType.SET));
            ConfigEntry limit = describe(admin, BROKER).get("message.max.bytes");
            assertThat(limit.value()).isEqualTo("2048");
            assertThat(limit.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            Config topic = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "live"));
            assertThat(topic.get("max.message.bytes").value()).isEqualTo("2048");
            assertThat(topic.get("max.message.bytes").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(topic.get("retention.ms").value()).isEqualTo("86400000");
            assertThat(topic.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("live", 0, "after", big))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RecordTooLargeException.class);

            Throwable readOnly = failure(admin.incrementalAlterConfigs(Map.of(BROKER, List.of(new AlterConfigOp(
                    new ConfigEntry("num.partitions", "3"), AlterConfigOp.OpType.SET)))).all());
            assertThat(readOnly).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("num.partitions").hasMessageContaining("read-only");
            Throwable unknown = failure(admin.incrementalAlterConfigs(Map.of(BROKER, List.of(new AlterConfigOp(
                    new ConfigEntry("no.such.setting", "3"), AlterConfigOp.OpType.SET)))).all());
            assertThat(unknown).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("no.such.setting");
            Throwable badValue = failure(admin.incrementalAlterConfigs(Map.of(BROKER, List.of(new AlterConfigOp(
                    new ConfigEntry("log.segment.bytes", "10"), AlterConfigOp.OpType.SET)))).all());
            assertThat(badValue).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("log.segment.bytes");

            alter(admin, BROKER, new AlterConfigOp(new ConfigEntry("message.max.bytes", ""),
                    AlterConfigOp.OpType.DELETE));
            producer.send(new ProducerRecord<>("live", 0, "again", big)).get(30, TimeUnit.SECONDS);
            assertThat(describe(admin, BROKER).get("message.max.bytes").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        }
    }

    @Test
    void everyBrokersDynamicSettingsAreStoredAndSurviveARestart() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            alter(admin, EVERY_BROKER, new AlterConfigOp(new ConfigEntry("log.retention.bytes", "123456789"),
                    AlterConfigOp.OpType.SET));
            assertThat(describe(admin, EVERY_BROKER).entries()).extracting(ConfigEntry::name, ConfigEntry::source)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("log.retention.bytes",
                            ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        }
        // Clients send a broker's resource to that broker; one sent elsewhere is refused (the admin client would not).
        try (Socket socket = new Socket("127.0.0.1", local.broker().kafkaPort())) {
            DescribeConfigsRequest request = new DescribeConfigsRequest.Builder(new DescribeConfigsRequestData()
                    .setResources(List.of(new DescribeConfigsRequestData.DescribeConfigsResource()
                            .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("7"))))
                    .build((short) 4);
            DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponse(
                    new DescribeConfigsResponseData(new ByteBufferAccessor(RawKafkaRequests.exchange(socket, request,
                            1)), (short) 4)).data().results().get(0);
            assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(result.errorMessage()).contains("Unexpected broker id 7");
        }
        local.restart();
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            ConfigEntry kept = describe(admin, BROKER).get("log.retention.bytes");
            assertThat(kept.value()).isEqualTo("123456789");
            assertThat(kept.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            get(admin.createTopics(List.of(new NewTopic("inherits", 1, (short) 2))).all());
            assertThat(describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "inherits"))
                    .get("retention.bytes").value()).isEqualTo("123456789");
            alter(admin, EVERY_BROKER, new AlterConfigOp(new ConfigEntry("log.retention.bytes", ""),
                    AlterConfigOp.OpType.DELETE));
            Await.until("the default back in force", WAIT, () -> {
                try {
                    return describe(admin, BROKER).get("log.retention.bytes").value().equals("-1");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void onOneBrokerEveryPartitionIsAlreadyOnItsPreferredLeader() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            get(admin.createTopics(List.of(new NewTopic("elected", 2, (short) 2))).all());
            TopicPartition partition = new TopicPartition("elected", 1);
            TopicPartition missing = new TopicPartition("elected", 5);
            Map<TopicPartition, Optional<Throwable>> results = get(admin.electLeaders(ElectionType.PREFERRED,
                    Set.of(partition, missing)).partitions());
            assertThat(results.get(partition)).containsInstanceOf(ElectionNotNeededException.class);
            assertThat(results.get(missing)).containsInstanceOf(UnknownTopicOrPartitionException.class);
            assertThat(get(admin.electLeaders(ElectionType.UNCLEAN, Set.of(partition)).partitions()).get(partition))
                    .containsInstanceOf(ElectionNotNeededException.class);
            assertThat(get(admin.electLeaders(ElectionType.PREFERRED, null).partitions()))
                    .as("an election over every partition lists only those it elected or failed").isEmpty();
        }
    }

    @Test
    void partitionReassignmentsAreRefusedAndNoneIsEverInProgress() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            get(admin.createTopics(List.of(new NewTopic("placed", 1, (short) 2))).all());
            TopicPartition partition = new TopicPartition("placed", 0);
            TopicPartition missing = new TopicPartition("nowhere", 0);
            var alter = admin.alterPartitionReassignments(Map.of(
                    partition, Optional.of(new NewPartitionReassignment(List.of(0))),
                    missing, Optional.of(new NewPartitionReassignment(List.of(0))))).values();
            assertThat(failure(alter.get(partition))).isInstanceOf(InvalidReplicaAssignmentException.class)
                    .hasMessageContaining("bookies");
            assertThat(failure(alter.get(missing))).isInstanceOf(UnknownTopicOrPartitionException.class);
            var cancel = admin.alterPartitionReassignments(Map.of(partition, Optional.empty())).values();
            assertThat(failure(cancel.get(partition))).isInstanceOf(NoReassignmentInProgressException.class);
            assertThat(get(admin.listPartitionReassignments().reassignments())).isEmpty();
        }
    }

    @Test
    void aclRequestsAreRefusedAsByABrokerWithoutAnAuthorizer() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            assertThat(failure(admin.describeAcls(AclBindingFilter.ANY).values()))
                    .isInstanceOf(SecurityDisabledException.class).hasMessageContaining("No Authorizer");
            AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                    new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
            assertThat(failure(admin.createAcls(List.of(binding)).all()))
                    .isInstanceOf(SecurityDisabledException.class);
            assertThat(failure(admin.deleteAcls(List.of(AclBindingFilter.ANY)).all()))
                    .isInstanceOf(SecurityDisabledException.class);
        }
    }
}
