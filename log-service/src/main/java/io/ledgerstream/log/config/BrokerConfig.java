package io.ledgerstream.log.config;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A broker's start-up settings, read from Kafka-style keys and validated at once: a bad value fails start-up
 * with an {@link InvalidConfigException} that names the key. {@code given} keeps the keys given, as written, so that
 * DescribeConfigs can tell a static setting from a default ({@link BrokerConfigKeys} lists every key).
 */
public record BrokerConfig(
        int brokerId,
        String rack,
        String zookeeperConnect,
        int zookeeperSessionTimeoutMs,
        ZooKeeperSecurity zookeeperSecurity,
        String metadataRoot,
        String bookkeeperLedgersRoot,
        boolean bookkeeperV2Protocol,
        String bookieRacks,
        java.util.Optional<BookKeeperTls> bookkeeperTls,
        int defaultReplicationFactor,
        int minInsyncReplicas,
        int numPartitions,
        LogConfig defaultLogConfig,
        long cacheBytes,
        int readAheadEntries,
        long retentionCheckIntervalMs,
        boolean cleanerEnabled,
        long cleanerBackoffMs,
        long cleanerDedupeBufferBytes,
        NetworkConfig network,
        SecurityConfig security,
        boolean autoCreateTopics,
        long groupInitialRebalanceDelayMs,
        long leaderBalanceDelayMs,
        long offsetsSnapshotRecords,
        int offsetsTopicPartitions,
        long producerIdExpirationMs,
        long producerIdExpirationCheckIntervalMs,
        int fetchSessionCacheSlots,
        ConsumerGroupConfig consumerGroups,
        TransactionConfig transactions,
        MetricsConfig metrics,
        Map<String, String> given) {

    public static final String BROKER_ID = "broker.id";
    public static final String BROKER_RACK = "broker.rack";
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    public static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String METADATA_ROOT = "metadata.root";
    public static final String BOOKKEEPER_LEDGERS_ROOT = "bookkeeper.ledgers.root";
    public static final String BOOKKEEPER_V2_PROTOCOL = "bookkeeper.use.v2.protocol";
    public static final String BOOKKEEPER_BOOKIE_RACKS = "bookkeeper.bookie.racks";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String LOG_CACHE_BYTES = "log.cache.bytes";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_READ_AHEAD_ENTRIES = "log.read.ahead.entries";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String LEADER_BALANCE_DELAY_MS = "leader.balance.delay.ms";
    public static final String OFFSETS_SNAPSHOT_RECORDS = "offsets.snapshot.records";
    /** Partitions {@code __consumer_offsets} is created with; fixed once the topic exists, as in Kafka. */
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";

    public BrokerConfig {
        given = java.util.Collections.unmodifiableMap(new TreeMap<>(given));
        if (!metadataRoot.startsWith("/") || metadataRoot.endsWith("/")) {
            throw new InvalidConfigException(METADATA_ROOT, metadataRoot, "must start with '/' and not end with '/'");
        }
        if (!bookkeeperLedgersRoot.startsWith("/") || bookkeeperLedgersRoot.endsWith("/")) {
            throw new InvalidConfigException(BOOKKEEPER_LEDGERS_ROOT, bookkeeperLedgersRoot,
                    "must start with '/' and not end with '/'");
        }
        if (zookeeperSecurity.setAcl() && (bookkeeperLedgersRoot + "/").startsWith(metadataRoot + "/")) {
            throw new InvalidConfigException(ZooKeeperSecurity.SET_ACL, true, "the bookies' " + BOOKKEEPER_LEDGERS_ROOT
                    + " " + bookkeeperLedgersRoot + " lies under " + METADATA_ROOT + " " + metadataRoot
                    + ", whose znodes would be closed to the bookies; put it elsewhere");
        }
        if (minInsyncReplicas > defaultReplicationFactor) {
            throw new InvalidConfigException(MIN_INSYNC_REPLICAS, minInsyncReplicas,
                    "must not exceed " + DEFAULT_REPLICATION_FACTOR + " " + defaultReplicationFactor);
        }
    }

    /** Reads and validates every key; keys not given take the documented defaults. */
    public static BrokerConfig fromMap(Map<String, String> values) {
        NetworkConfig network = NetworkConfig.fromMap(values);
        return new BrokerConfig(
                ConfigValues.intValue(values, BROKER_ID, 0, 0),
                values.getOrDefault(BROKER_RACK, "").trim(),
                ConfigValues.stringValue(values, ZOOKEEPER_CONNECT, "127.0.0.1:2181"),
                ConfigValues.intValue(values, ZOOKEEPER_SESSION_TIMEOUT_MS, 6_000, 1000),
                ZooKeeperSecurity.fromMap(values),
                ConfigValues.stringValue(values, METADATA_ROOT, "/ledgerstream"),
                ConfigValues.stringValue(values, BOOKKEEPER_LEDGERS_ROOT, "/ledgers"),
                ConfigValues.booleanValue(values, BOOKKEEPER_V2_PROTOCOL, true),
                values.getOrDefault(BOOKKEEPER_BOOKIE_RACKS, "").trim(),
                BookKeeperTls.fromMap(values),
                ConfigValues.intValue(values, DEFAULT_REPLICATION_FACTOR, 2, 1),
                ConfigValues.intValue(values, MIN_INSYNC_REPLICAS,
                        Math.min(2, ConfigValues.intValue(values, DEFAULT_REPLICATION_FACTOR, 2, 1)), 1),
                ConfigValues.intValue(values, NUM_PARTITIONS, 1, 1),
                logDefaults(values),
                ConfigValues.longValue(values, LOG_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 4, 0),
                ConfigValues.intValue(values, LOG_READ_AHEAD_ENTRIES, 256, 1),
                ConfigValues.longValue(values, LOG_RETENTION_CHECK_INTERVAL_MS, 300_000, 1),
                ConfigValues.booleanValue(values, LOG_CLEANER_ENABLE, true),
                ConfigValues.longValue(values, LOG_CLEANER_BACKOFF_MS, 15_000, 1),
                ConfigValues.longValue(values, LOG_CLEANER_DEDUPE_BUFFER_SIZE, 128L << 20, 1L << 20),
                network,
                SecurityConfig.fromMap(values, network),
                ConfigValues.booleanValue(values, AUTO_CREATE_TOPICS_ENABLE, true),
                ConfigValues.longValue(values, GROUP_INITIAL_REBALANCE_DELAY_MS, 3000, 0),
                ConfigValues.longValue(values, LEADER_BALANCE_DELAY_MS, 10_000, 0),
                ConfigValues.longValue(values, OFFSETS_SNAPSHOT_RECORDS, 10_000, 1),
                ConfigValues.intValue(values, OFFSETS_TOPIC_NUM_PARTITIONS, 50, 1),
                ConfigValues.longValue(values, PRODUCER_ID_EXPIRATION_MS, 86_400_000, 1),
                ConfigValues.longValue(values, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, 600_000, 1),
                ConfigValues.intValue(values, MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, 1000, 0),
                ConsumerGroupConfig.fromMap(values),
                TransactionConfig.fromMap(values),
                MetricsConfig.fromMap(values),
                values);
    }

    /**
     * The topic settings of topics without overrides, from the broker's {@code log.*} keys (and the other keys
     * {@link BrokerConfigKeys} names as topic defaults) in {@code values}, and Kafka's defaults.
     *
     * @throws InvalidConfigException naming a key whose value is not valid
     */
    public static LogConfig logDefaults(Map<String, String> values) {
        LogConfig d = LogConfig.DEFAULTS;
        return new LogConfig(
                ConfigValues.longValue(values, LOG_SEGMENT_BYTES, d.segmentBytes(), 1024),
                ConfigValues.longValue(values, LOG_ROLL_MS, d.segmentMs(), 1),
                ConfigValues.longValue(values, LOG_ROLL_JITTER_MS, d.segmentJitterMs(), 0),
                ConfigValues.longValue(values, LOG_RETENTION_MS, d.retentionMs(), -1),
                ConfigValues.longValue(values, LOG_RETENTION_BYTES, d.retentionBytes(), -1),
                ConfigValues.intValue(values, MESSAGE_MAX_BYTES, d.maxMessageBytes(), 0),
                ConfigValues.policyValue(values, LOG_CLEANUP_POLICY, d.cleanupPolicy()),
                ConfigValues.longValue(values, LOG_CLEANER_DELETE_RETENTION_MS, d.deleteRetentionMs(), 0),
                ConfigValues.doubleValue(values, LOG_CLEANER_MIN_CLEANABLE_RATIO, d.minCleanableDirtyRatio(), 0, 1),
                ConfigValues.longValue(values, LOG_CLEANER_MIN_COMPACTION_LAG_MS, d.minCompactionLagMs(), 0),
                ConfigValues.longValue(values, LOG_CLEANER_MAX_COMPACTION_LAG_MS, d.maxCompactionLagMs(), 1),
                d.minInsyncReplicas(),
                d.timestamps().with(values, LOG_MESSAGE_TIMESTAMP_TYPE, LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                        LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                d.compression().with(values),
                d.flush().with(values, LOG_FLUSH_INTERVAL_MESSAGES, LOG_FLUSH_INTERVAL_MS));
    }

    /** Reads a Java properties file's entries as configuration. */
    public static BrokerConfig fromProperties(Properties properties) {
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        return fromMap(values);
    }

    /** The replication a topic gets when its creator does not choose one. */
    public Replication defaultReplication() {
        return Replication.forFactor(defaultReplicationFactor, minInsyncReplicas);
    }

    /** BookKeeper's metadata service URI for the ledgers under this broker's ZooKeeper. */
    public String bookkeeperMetadataUri() {
        return "zk+null://" + zookeeperConnect.replace(',', ';') + bookkeeperLedgersRoot;
    }
}
