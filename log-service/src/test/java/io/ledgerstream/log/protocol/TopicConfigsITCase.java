package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.KafkaTool;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.LedgerMetadata;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every topic config Kafka 4 knows is accepted, described and altered through kafka-clients' Admin; a key Kafka does
 * not know is refused as Kafka refuses it; {@code min.insync.replicas} sets the ack quorum of new ledgers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopicConfigsITCase {
    /** A value other than the default for each of Kafka 4.1's topic configs. */
    private static final Map<String, String> EVERY_KEY = new LinkedHashMap<>();

    static {
        EVERY_KEY.put("cleanup.policy", "compact,delete");
        EVERY_KEY.put("compression.type", "lz4");
        EVERY_KEY.put("compression.gzip.level", "5");
        EVERY_KEY.put("compression.lz4.level", "12");
        EVERY_KEY.put("compression.zstd.level", "7");
        EVERY_KEY.put("delete.retention.ms", "1000");
        EVERY_KEY.put("file.delete.delay.ms", "5000");
        EVERY_KEY.put("flush.messages", "10");
        EVERY_KEY.put("flush.ms", "1000");
        EVERY_KEY.put("follower.replication.throttled.replicas", "0:1,1:2");
        EVERY_KEY.put("leader.replication.throttled.replicas", "*");
        EVERY_KEY.put("index.interval.bytes", "8192");
        EVERY_KEY.put("local.retention.bytes", "1000000");
        EVERY_KEY.put("local.retention.ms", "60000");
        EVERY_KEY.put("max.compaction.lag.ms", "3600000");
        EVERY_KEY.put("max.message.bytes", "200000");
        EVERY_KEY.put("message.timestamp.after.max.ms", "60000");
        EVERY_KEY.put("message.timestamp.before.max.ms", "86400000");
        EVERY_KEY.put("message.timestamp.type", "CreateTime");
        EVERY_KEY.put("min.cleanable.dirty.ratio", "0.25");
        EVERY_KEY.put("min.compaction.lag.ms", "10");
        EVERY_KEY.put("min.insync.replicas", "1");
        EVERY_KEY.put("preallocate", "true");
        EVERY_KEY.put("remote.log.copy.disable", "true");
        EVERY_KEY.put("remote.log.delete.on.disable", "true");
        EVERY_KEY.put("remote.storage.enable", "false");
        EVERY_KEY.put("retention.bytes", "100000000");
        EVERY_KEY.put("retention.ms", "3600000");
        EVERY_KEY.put("segment.bytes", "52428800");
        EVERY_KEY.put("segment.index.bytes", "1048576");
        EVERY_KEY.put("segment.jitter.ms", "100");
        EVERY_KEY.put("segment.ms", "600000");
        EVERY_KEY.put("unclean.leader.election.enable", "true");
    }

    @TempDir
    static Path dir;
    private static LocalBroker local;

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

    private static Config describe(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }

    @Test
    void everyKafkaTopicConfigIsAcceptedStoredAndDescribed() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("every-key", 1, (short) 2).configs(EVERY_KEY))).all()
                    .get(30, TimeUnit.SECONDS);
            Config described = describe(admin, "every-key");
            for (Map.Entry<String, String> entry : EVERY_KEY.entrySet()) {
                ConfigEntry seen = described.get(entry.getKey());
                assertThat(seen).as(entry.getKey()).isNotNull();
                assertThat(seen.value()).as(entry.getKey()).isEqualTo(entry.getValue());
                assertThat(seen.source()).as(entry.getKey()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }

            admin.createTopics(List.of(new NewTopic("defaults", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            Config defaults = describe(admin, "defaults");
            assertThat(defaults.entries()).extracting(ConfigEntry::name).containsAll(EVERY_KEY.keySet());
            assertThat(defaults.get("flush.messages").value()).isEqualTo("1");
            assertThat(defaults.get("flush.messages").isDefault()).isTrue();
            assertThat(defaults.get("message.timestamp.after.max.ms").value()).isEqualTo("3600000");
            assertThat(defaults.get("compression.type").value()).isEqualTo("producer");
            assertThat(defaults.get("min.insync.replicas").value()).isEqualTo("2");

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "defaults");
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("flush.ms", "500"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("message.timestamp.type", "LogAppendTime"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            assertThat(describe(admin, "defaults").get("flush.ms").value()).isEqualTo("500");
            assertThat(describe(admin, "defaults").get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
        }
    }

    @Test
    void unknownKeysAndImpossibleValuesAreRefusedAsKafkaRefusesThem() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("unknown-key", 1, (short) 2)
                    .configs(Map.of("no.such.config", "1")))).all().get())
                    .hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("Unknown topic config name: no.such.config");
            for (Map.Entry<String, String> bad : Map.of("flush.messages", "0", "preallocate", "maybe",
                    "leader.replication.throttled.replicas", "everything", "remote.storage.enable", "true",
                    "message.timestamp.type", "WallClock", "compression.type", "brotli", "compression.lz4.level", "40",
                    "min.insync.replicas", "3", "max.compaction.lag.ms", "0").entrySet()) {
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-value", 1, (short) 2)
                        .configs(Map.of(bad.getKey(), bad.getValue())))).all().get())
                        .as(bad.getKey()).hasCauseInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining(bad.getKey());
            }
            admin.createTopics(List.of(new NewTopic("altered", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "altered");
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("no.such.config", "1"), AlterConfigOp.OpType.SET)))).all().get())
                    .hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("Unknown topic config name");
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("unknown-key", "bad-value");
        }
    }

    @Test
    void minInsyncReplicasIsTheAckQuorumOfNewLedgers() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap());
             KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic("quorum", 1, (short) 3).configs(Map.of("min.insync.replicas", "3"))))
                    .all().get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("quorum", "k", "v")).get(30, TimeUnit.SECONDS);
            assertThat(openLedger("quorum").getAckQuorumSize()).isEqualTo(3);

            admin.createTopics(List.of(new NewTopic("default-quorum", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("default-quorum", "k", "v")).get(30, TimeUnit.SECONDS);
            assertThat(openLedger("default-quorum").getAckQuorumSize()).isEqualTo(2);
            assertThat(openLedger("default-quorum").getWriteQuorumSize()).isEqualTo(3);
        }
    }

    private static LedgerMetadata openLedger(String topic) throws Exception {
        PartitionRecord record = local.broker().metadata().partition(topic, 0).get(30, TimeUnit.SECONDS).value();
        long ledgerId = record.segments().get(record.segments().size() - 1).ledgerId();
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(local.broker().config().bookkeeperMetadataUri());
        try (BookKeeper bk = BookKeeper.newBuilder(conf).build()) {
            return bk.getLedgerMetadata(ledgerId).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Kafka's flush keys under Kafka's names and types: our default is an fsync per write ({@code flush.messages=1});
     * kafka-configs sets a topic's and the brokers' default, and refuses bad values naming the key.
     */
    @Test
    void flushSettingsAreDescribedAlteredAndValidatedAsKafkasKeys() throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("flushed", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            Config defaults = describe(admin, "flushed");
            assertThat(defaults.get("flush.messages").value()).isEqualTo("1");
            assertThat(defaults.get("flush.messages").type()).isEqualTo(ConfigEntry.ConfigType.LONG);
            assertThat(defaults.get("flush.messages").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            assertThat(defaults.get("flush.ms").value()).isEqualTo(Long.toString(Long.MAX_VALUE));

            String out = configs("--alter", "--entity-type", "topics", "--entity-name", "flushed", "--add-config",
                    "flush.messages=10000,flush.ms=1000");
            assertThat(out).contains("Completed updating config for topic flushed");
            assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", "flushed"))
                    .contains("flush.messages=10000", "flush.ms=1000");
            assertThat(describe(admin, "flushed").get("flush.messages").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "flushed");
            for (Map.Entry<String, String> bad : Map.of("flush.ms", "-1", "flush.messages", "many").entrySet()) {
                assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                        new ConfigEntry(bad.getKey(), bad.getValue()), AlterConfigOp.OpType.SET)))).all().get())
                        .as(bad.getKey()).hasCauseInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining(bad.getKey());
            }

            ConfigResource everyBroker = new ConfigResource(ConfigResource.Type.BROKER, "");
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(everyBroker, List.of(new AlterConfigOp(
                    new ConfigEntry("log.flush.interval.messages", "0"), AlterConfigOp.OpType.SET)))).all().get())
                    .hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("log.flush.interval.messages");
            configs("--alter", "--entity-type", "brokers", "--entity-default", "--add-config",
                    "log.flush.interval.messages=9223372036854775807");
            admin.createTopics(List.of(new NewTopic("flush-default", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            Await.until("the brokers' flush default in force", Duration.ofSeconds(30), () -> {
                        try {
                            ConfigEntry entry = describe(admin, "flush-default").get("flush.messages");
                            return entry.value().equals(Long.toString(Long.MAX_VALUE))
                                    && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
            configs("--alter", "--entity-type", "brokers", "--entity-default", "--delete-config",
                    "log.flush.interval.messages");
        }
    }

    private static String configs(String... args) throws Exception {
        return KafkaTool.configs(local.bootstrap(), args);
    }
}
