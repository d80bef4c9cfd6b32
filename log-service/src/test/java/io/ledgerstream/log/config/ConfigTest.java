package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void topicOverridesApplyAndBadValuesNameTheirKey() {
        LogConfig config = LogConfig.DEFAULTS.withOverrides(Map.of("retention.ms", "-1", "segment.bytes", "4096"));
        assertThat(config.retentionMs()).isEqualTo(-1);
        assertThat(config.segmentBytes()).isEqualTo(4096);
        assertThat(LogConfig.DEFAULTS.withOverrides(config.asMap())).isEqualTo(config);

        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("segment.bytes", "lots")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("segment.bytes")
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("retention.ms", "-5")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("retention.ms");
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("cleanup.policy", "shred")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("cleanup.policy");
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("min.cleanable.dirty.ratio", "1.5")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("min.cleanable.dirty.ratio");
    }

    @Test
    void consumerGroupSettingsAreCheckedAndNameTheirKey() {
        ConsumerGroupConfig defaults = BrokerConfig.fromMap(Map.of()).consumerGroups();
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.assignors()).containsExactly("uniform", "range");
        assertThat(defaults.sessionTimeoutMs()).isEqualTo(45_000);
        ConsumerGroupConfig classicOnly = BrokerConfig.fromMap(Map.of("group.coordinator.rebalance.protocols",
                "classic", "group.consumer.assignors",
                "org.apache.kafka.coordinator.group.assignor.RangeAssignor")).consumerGroups();
        assertThat(classicOnly.enabled()).isFalse();
        assertThat(classicOnly.assignors()).containsExactly("range");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("group.coordinator.rebalance.protocols", "consumer")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("group.coordinator.rebalance.protocols")
                .hasMessageContaining("classic");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("group.consumer.assignors", "sticky")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("group.consumer.assignors")
                .hasMessageContaining("sticky");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("group.consumer.heartbeat.interval.ms", "60000")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("group.consumer.heartbeat.interval.ms");
    }

    @Test
    void cleanupPoliciesReadAsKafkaWritesThem() {
        assertThat(LogConfig.DEFAULTS.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        LogConfig compact = LogConfig.DEFAULTS.withOverrides(Map.of("cleanup.policy", "compact",
                "delete.retention.ms", "1000", "min.cleanable.dirty.ratio", "0.25", "min.compaction.lag.ms", "5"));
        assertThat(compact.cleanupPolicy().compacts()).isTrue();
        assertThat(compact.cleanupPolicy().deletes()).isFalse();
        assertThat(compact.deleteRetentionMs()).isEqualTo(1000);
        assertThat(compact.minCleanableDirtyRatio()).isEqualTo(0.25);
        assertThat(compact.minCompactionLagMs()).isEqualTo(5);
        assertThat(LogConfig.DEFAULTS.withOverrides(compact.asMap())).isEqualTo(compact);
        for (String both : new String[] {"compact,delete", "delete, compact"}) {
            CleanupPolicy policy = LogConfig.DEFAULTS.withOverrides(Map.of("cleanup.policy", both)).cleanupPolicy();
            assertThat(policy).isEqualTo(CleanupPolicy.COMPACT_DELETE);
            assertThat(policy.compacts() && policy.deletes()).isTrue();
        }
        assertThat(BrokerConfig.fromMap(Map.of("log.cleanup.policy", "compact")).defaultLogConfig().cleanupPolicy())
                .isEqualTo(CleanupPolicy.COMPACT);
    }

    @Test
    void brokerConfigHasDefaultsAndValidatesAtStart() {
        BrokerConfig config = BrokerConfig.fromMap(Map.of());
        assertThat(config.zookeeperConnect()).isEqualTo("127.0.0.1:2181");
        assertThat(config.defaultReplication()).isEqualTo(new Replication(2, 2, 2));
        assertThat(config.bookkeeperMetadataUri()).isEqualTo("zk+null://127.0.0.1:2181/ledgers");
        assertThat(BrokerConfig.fromMap(Map.of("zookeeper.connect", "a:1,b:2")).bookkeeperMetadataUri())
                .isEqualTo("zk+null://a:1;b:2/ledgers");
        assertThat(config.offsetsTopicPartitions()).as("Kafka's default").isEqualTo(50);
        assertThat(BrokerConfig.fromMap(Map.of("offsets.topic.num.partitions", "6")).offsetsTopicPartitions())
                .isEqualTo(6);

        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("offsets.topic.num.partitions", "0")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("offsets.topic.num.partitions")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("min.insync.replicas", "3")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("min.insync.replicas");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("bookkeeper.use.v2.protocol", "maybe")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bookkeeper.use.v2.protocol");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("metadata.root", "ledgerstream")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("metadata.root");
    }

    @Test
    void replicationFollowsKafkasFactorAndMinInsyncReplicas() {
        assertThat(Replication.forFactor(3, 2)).isEqualTo(new Replication(3, 3, 2));
        assertThatThrownBy(() -> Replication.forFactor(2, 3)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("min.insync.replicas");
        assertThatThrownBy(() -> new Replication(2, 3, 2)).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void kafkaTopicConfigsAreReadOrAcceptedWithoutEffect() {
        LogConfig config = LogConfig.DEFAULTS.withOverrides(Map.of("message.timestamp.type", "LogAppendTime",
                "message.timestamp.before.max.ms", "1000", "compression.type", "zstd", "compression.zstd.level", "9",
                "min.insync.replicas", "3", "max.compaction.lag.ms", "5000", "segment.jitter.ms", "700",
                "flush.messages", "1", "preallocate", "true"));
        assertThat(config.timestamps().type()).isEqualTo(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME);
        assertThat(config.timestamps().beforeMaxMs()).isEqualTo(1000);
        assertThat(config.compression().recompressionFor(org.apache.kafka.common.record.CompressionType.ZSTD))
                .as("already zstd").isNull();
        assertThat(config.compression().recompressionFor(org.apache.kafka.common.record.CompressionType.NONE).type())
                .isEqualTo(org.apache.kafka.common.record.CompressionType.ZSTD);
        assertThat(config.minInsyncReplicas()).isEqualTo(3);
        assertThat(config.maxCompactionLagMs()).isEqualTo(5000);
        assertThat(LogConfig.DEFAULTS.withOverrides(config.asMap())).isEqualTo(config);
        org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition("t", 0);
        java.util.Set<Long> jitters = new java.util.HashSet<>();
        for (long base = 0; base < 100; base++) {
            long jitter = config.rollJitterMs(partition, base);
            assertThat(jitter).isBetween(0L, 699L);
            assertThat(LogConfig.DEFAULTS.withOverrides(config.asMap()).rollJitterMs(partition, base))
                    .as("the same after a reopen").isEqualTo(jitter);
            jitters.add(jitter);
        }
        assertThat(jitters).as("segments roll at spread times").hasSizeGreaterThan(50);
        assertThat(LogConfig.DEFAULTS.rollJitterMs(partition, 5)).isZero();

        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("flush.messages", "0")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("flush.messages");
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("retention.hours", "1")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("Unknown topic config name: retention.hours");
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("min.compaction.lag.ms", "10",
                "max.compaction.lag.ms", "5")).requireConsistent()).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("max.compaction.lag.ms");
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("message.timestamp.type", "logappendtime")))
                .as("Kafka's spelling only").isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> LogConfig.DEFAULTS.withOverrides(Map.of("compression.gzip.level", "0")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("compression.gzip.level");
    }

    @Test
    void metricsAreOffUnlessAPortIsGivenAndServeOnTheListenersHostByDefault() {
        BrokerConfig defaults = BrokerConfig.fromMap(Map.of());
        assertThat(defaults.metrics().enabled()).isFalse();
        assertThat(defaults.metrics().port()).isEqualTo(MetricsConfig.OFF);
        BrokerConfig on = BrokerConfig.fromMap(Map.of("metrics.http.port", "9404",
                "listeners", "PLAINTEXT://0.0.0.0:9092", "advertised.listeners", "PLAINTEXT://broker-1:9092"));
        assertThat(on.metrics().enabled()).isTrue();
        assertThat(on.metrics().hostOr(on.network().firstHost())).isEqualTo("0.0.0.0");
        BrokerConfig everyInterface = BrokerConfig.fromMap(Map.of("listeners", "PLAINTEXT://:9092",
                "advertised.listeners", "PLAINTEXT://broker-1:9092"));
        assertThat(everyInterface.metrics().hostOr(everyInterface.network().firstHost())).isEqualTo("0.0.0.0");
        assertThat(BrokerConfig.fromMap(Map.of("metrics.http.port", "0", "metrics.http.host", "127.0.0.2"))
                .metrics()).isEqualTo(new MetricsConfig(0, "127.0.0.2"));
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("metrics.http.port", "-2")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("metrics.http.port");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("metrics.http.port", "65536")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("metrics.http.port");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("metrics.http.host", " ")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("metrics.http.host");
        assertThat(BrokerConfigKeys.key("metrics.http.port").orElseThrow().value(on, on.defaultLogConfig()))
                .isEqualTo("9404");
    }
}
