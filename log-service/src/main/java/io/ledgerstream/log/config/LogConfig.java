package io.ledgerstream.log.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The per-topic settings the partition log honours, under Kafka's topic config names.
 *
 * @param segmentBytes    roll to a new ledger once the open one holds this many bytes ({@code segment.bytes})
 * @param segmentMs       roll to a new ledger once the open one is this old ({@code segment.ms})
 * @param segmentJitterMs roll up to this much earlier than {@code segment.ms}, a fixed share per ledger, so that
 *                        partitions created together do not all roll at once ({@code segment.jitter.ms})
 * @param retentionMs     delete sealed segments whose newest record is older than this; -1 keeps all ({@code retention.ms})
 * @param retentionBytes  delete the oldest sealed segments while the log is larger than this; -1 keeps all
 *                        ({@code retention.bytes})
 * @param maxMessageBytes the largest record batch accepted ({@code max.message.bytes})
 * @param cleanupPolicy   whether retention deletes old segments, compaction keeps the latest record per key, or
 *                        both ({@code cleanup.policy})
 * @param deleteRetentionMs how long compaction keeps a tombstone (a record with a key and no value) after its
 *                        timestamp, so that readers catching up still see the delete ({@code delete.retention.ms})
 * @param minCleanableDirtyRatio compact once the bytes not yet compacted are at least this share of the sealed
 *                        segments ({@code min.cleanable.dirty.ratio})
 * @param minCompactionLagMs leave records younger than this uncompacted ({@code min.compaction.lag.ms})
 * @param maxCompactionLagMs compact, whatever the dirty ratio, once a sealed segment not yet compacted is this old
 *                        ({@code max.compaction.lag.ms})
 * @param minInsyncReplicas the ack quorum of ledgers created from now on, at most the topic's replication factor
 *                        ({@code min.insync.replicas}); 0 when the topic does not set it, so that ledgers take the
 *                        ack quorum the topic was created with (the broker's {@code min.insync.replicas} then)
 * @param timestamps      which timestamps records carry and the bounds of a producer's ({@code message.timestamp.*})
 * @param compression     whether the broker recompresses batches, and how ({@code compression.*})
 * @param flush           when appends reach disk: an fsync per write, or deferred sync forced on an interval
 *                        ({@code flush.messages}, {@code flush.ms})
 */
public record LogConfig(long segmentBytes, long segmentMs, long segmentJitterMs, long retentionMs, long retentionBytes,
                        int maxMessageBytes, CleanupPolicy cleanupPolicy, long deleteRetentionMs,
                        double minCleanableDirtyRatio, long minCompactionLagMs, long maxCompactionLagMs,
                        int minInsyncReplicas, MessageTimestamps timestamps, TopicCompression compression,
                        FlushPolicy flush) {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";

    /**
     * The table schema of the topic, kept for clients (the Flink catalog) and never read by the log. The Kafka
     * protocol bounds it, like every config value, to 32,767 bytes.
     */
    public static final String SCHEMA = "ledgerstream.schema";
    /** Keys stored and described for clients but not part of these values. */
    public static final Set<String> CLIENT_KEYS = Set.of(SCHEMA);

    /** The keys of this record's values. */
    public static final Set<String> HONOURED_KEYS = Set.of(SEGMENT_BYTES, SEGMENT_MS, SEGMENT_JITTER_MS, RETENTION_MS,
            RETENTION_BYTES, MAX_MESSAGE_BYTES, CLEANUP_POLICY, DELETE_RETENTION_MS, MIN_CLEANABLE_DIRTY_RATIO,
            MIN_COMPACTION_LAG_MS, MAX_COMPACTION_LAG_MS, MIN_INSYNC_REPLICAS, MESSAGE_TIMESTAMP_TYPE,
            MESSAGE_TIMESTAMP_BEFORE_MAX_MS, MESSAGE_TIMESTAMP_AFTER_MAX_MS, COMPRESSION_TYPE, COMPRESSION_GZIP_LEVEL,
            COMPRESSION_LZ4_LEVEL, COMPRESSION_ZSTD_LEVEL, FLUSH_MESSAGES, FLUSH_MS);

    /**
     * Kafka's defaults: 1 GiB segments, 7 days per segment and of retention, no size limit, 1 MiB batches, delete
     * policy; when compacting, tombstones kept a day, compaction at half the log dirty, no lag; the topic's ack quorum,
     * create time within an hour ahead, batches stored as the producer compressed them; and, unlike Kafka, an fsync
     * per write.
     */
    public static final LogConfig DEFAULTS = new LogConfig(1L << 30, 7L * 24 * 3600 * 1000, 0, 7L * 24 * 3600 * 1000,
            -1, 1024 * 1024 + 12, CleanupPolicy.DELETE, 24L * 3600 * 1000, 0.5, 0, Long.MAX_VALUE, 0,
            MessageTimestamps.DEFAULTS, TopicCompression.DEFAULTS, FlushPolicy.DEFAULTS);

    public LogConfig {
        if (segmentBytes < 1024) {
            throw new InvalidConfigException(SEGMENT_BYTES, segmentBytes, "must be at least 1024");
        }
        if (segmentMs < 1) {
            throw new InvalidConfigException(SEGMENT_MS, segmentMs, "must be at least 1");
        }
        if (segmentJitterMs < 0) {
            throw new InvalidConfigException(SEGMENT_JITTER_MS, segmentJitterMs, "must be at least 0");
        }
        if (retentionMs < -1) {
            throw new InvalidConfigException(RETENTION_MS, retentionMs, "must be -1 (unlimited) or at least 0");
        }
        if (retentionBytes < -1) {
            throw new InvalidConfigException(RETENTION_BYTES, retentionBytes, "must be -1 (unlimited) or at least 0");
        }
        if (maxMessageBytes < 0) {
            throw new InvalidConfigException(MAX_MESSAGE_BYTES, maxMessageBytes, "must be at least 0");
        }
        if (cleanupPolicy == null) {
            throw new InvalidConfigException(CLEANUP_POLICY, null, "must be given");
        }
        if (deleteRetentionMs < 0) {
            throw new InvalidConfigException(DELETE_RETENTION_MS, deleteRetentionMs, "must be at least 0");
        }
        if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
            throw new InvalidConfigException(MIN_CLEANABLE_DIRTY_RATIO, minCleanableDirtyRatio, "must be between 0 and 1");
        }
        if (minCompactionLagMs < 0) {
            throw new InvalidConfigException(MIN_COMPACTION_LAG_MS, minCompactionLagMs, "must be at least 0");
        }
        if (maxCompactionLagMs < 1) {
            throw new InvalidConfigException(MAX_COMPACTION_LAG_MS, maxCompactionLagMs, "must be at least 1");
        }
        if (minInsyncReplicas < 0) {
            throw new InvalidConfigException(MIN_INSYNC_REPLICAS, minInsyncReplicas, "must be at least 1");
        }
        if (timestamps == null || compression == null || flush == null) {
            throw new InvalidConfigException(timestamps == null ? MESSAGE_TIMESTAMP_TYPE
                    : compression == null ? COMPRESSION_TYPE : FLUSH_MESSAGES, null, "must be given");
        }
    }

    /**
     * Checks what Kafka checks across keys when a topic is created or changed: {@code min.compaction.lag.ms} no larger
     * than {@code max.compaction.lag.ms}. (Not when a log opens: a broker default changed later must not keep a
     * topic's partitions closed.)
     *
     * @throws InvalidConfigException naming the key
     */
    public LogConfig requireConsistent() {
        if (minCompactionLagMs > maxCompactionLagMs) {
            throw new InvalidConfigException(MIN_COMPACTION_LAG_MS, minCompactionLagMs,
                    "must not exceed " + MAX_COMPACTION_LAG_MS + " " + maxCompactionLagMs);
        }
        return this;
    }

    /** Whether {@code key} is a topic config: one Kafka 4 knows, or one kept for clients. */
    public static boolean isTopicConfig(String key) {
        return HONOURED_KEYS.contains(key) || InertTopicConfigs.KEYS.contains(key) || CLIENT_KEYS.contains(key);
    }

    /**
     * Applies topic-level overrides to these values, after checking every key: each must be a topic config, and the
     * values of keys with no effect here are checked as Kafka checks them.
     *
     * @throws InvalidConfigException if a key is unknown or a value is out of range
     */
    public LogConfig withOverrides(Map<String, String> overrides) {
        for (String key : overrides.keySet()) {
            if (!isTopicConfig(key)) {
                throw new InvalidConfigException(key, overrides.get(key), "Unknown topic config name: " + key);
            }
        }
        InertTopicConfigs.validate(overrides);
        return new LogConfig(
                ConfigValues.longValue(overrides, SEGMENT_BYTES, segmentBytes, 1024),
                ConfigValues.longValue(overrides, SEGMENT_MS, segmentMs, 1),
                ConfigValues.longValue(overrides, SEGMENT_JITTER_MS, segmentJitterMs, 0),
                ConfigValues.longValue(overrides, RETENTION_MS, retentionMs, -1),
                ConfigValues.longValue(overrides, RETENTION_BYTES, retentionBytes, -1),
                ConfigValues.intValue(overrides, MAX_MESSAGE_BYTES, maxMessageBytes, 0),
                ConfigValues.policyValue(overrides, CLEANUP_POLICY, cleanupPolicy),
                ConfigValues.longValue(overrides, DELETE_RETENTION_MS, deleteRetentionMs, 0),
                ConfigValues.doubleValue(overrides, MIN_CLEANABLE_DIRTY_RATIO, minCleanableDirtyRatio, 0, 1),
                ConfigValues.longValue(overrides, MIN_COMPACTION_LAG_MS, minCompactionLagMs, 0),
                ConfigValues.longValue(overrides, MAX_COMPACTION_LAG_MS, maxCompactionLagMs, 1),
                ConfigValues.intValue(overrides, MIN_INSYNC_REPLICAS, minInsyncReplicas, 1),
                timestamps.with(overrides, MESSAGE_TIMESTAMP_TYPE, MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                        MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                compression.with(overrides),
                flush.with(overrides, FLUSH_MESSAGES, FLUSH_MS));
    }

    /** These values under their Kafka names, for display and for storing as overrides. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(SEGMENT_BYTES, Long.toString(segmentBytes));
        map.put(SEGMENT_MS, Long.toString(segmentMs));
        map.put(SEGMENT_JITTER_MS, Long.toString(segmentJitterMs));
        map.put(RETENTION_MS, Long.toString(retentionMs));
        map.put(RETENTION_BYTES, Long.toString(retentionBytes));
        map.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        map.put(CLEANUP_POLICY, cleanupPolicy.value());
        map.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        map.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
        map.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        map.put(MAX_COMPACTION_LAG_MS, Long.toString(maxCompactionLagMs));
        if (minInsyncReplicas > 0) {
            map.put(MIN_INSYNC_REPLICAS, Integer.toString(minInsyncReplicas));
        }
        map.put(MESSAGE_TIMESTAMP_TYPE, timestamps.type().name);
        map.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.toString(timestamps.beforeMaxMs()));
        map.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long.toString(timestamps.afterMaxMs()));
        map.put(COMPRESSION_TYPE, compression.typeName());
        map.put(COMPRESSION_GZIP_LEVEL, Integer.toString(compression.gzipLevel()));
        map.put(COMPRESSION_LZ4_LEVEL, Integer.toString(compression.lz4Level()));
        map.put(COMPRESSION_ZSTD_LEVEL, Integer.toString(compression.zstdLevel()));
        map.put(FLUSH_MESSAGES, Long.toString(flush.messages()));
        map.put(FLUSH_MS, Long.toString(flush.ms()));
        return map;
    }

    /**
     * How much earlier than {@code segment.ms} the segment starting at {@code baseOffset} rolls: a share of
     * {@code segment.jitter.ms} fixed by the partition and offset, so a reopened log computes the same.
     */
    public long rollJitterMs(TopicPartition partition, long baseOffset) {
        long jitter = Math.min(segmentJitterMs, segmentMs - 1);
        return jitter <= 0 ? 0 : Math.floorMod(31L * partition.hashCode() + Long.hashCode(baseOffset), jitter);
    }
}
