package io.ledgerstream.log.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The per-topic settings the partition log honours, under Kafka's topic config names.
 *
 * @param segmentBytes    roll to a new ledger once the open one holds this many bytes ({@code segment.bytes})
 * @param segmentMs       roll to a new ledger once the open one is this old ({@code segment.ms})
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
 */
public record LogConfig(long segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int maxMessageBytes,
                        CleanupPolicy cleanupPolicy, long deleteRetentionMs, double minCleanableDirtyRatio,
                        long minCompactionLagMs) {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";

    /**
     * The table schema of the topic, kept for clients (the Flink catalog) and never read by the log. The Kafka
     * protocol bounds it, like every config value, to 32,767 bytes.
     */
    public static final String SCHEMA = "ledgerstream.schema";
    /** Keys stored and described for clients but not part of these values. */
    public static final Set<String> CLIENT_KEYS = Set.of(SCHEMA);

    /** Every topic config key accepted: this record's, and the ones kept for clients ({@link #CLIENT_KEYS}). */
    public static final Set<String> KEYS = Set.of(SEGMENT_BYTES, SEGMENT_MS, RETENTION_MS, RETENTION_BYTES, MAX_MESSAGE_BYTES,
            CLEANUP_POLICY, DELETE_RETENTION_MS, MIN_CLEANABLE_DIRTY_RATIO, MIN_COMPACTION_LAG_MS, SCHEMA);

    /**
     * Kafka's defaults: 1 GiB segments, 7 days per segment and of retention, no size limit, 1 MiB batches, delete
     * policy; when compacting, tombstones kept a day, compaction at half the log dirty, no lag.
     */
    public static final LogConfig DEFAULTS = new LogConfig(1L << 30, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1,
            1024 * 1024 + 12, CleanupPolicy.DELETE, 24L * 3600 * 1000, 0.5, 0);

    public LogConfig {
        if (segmentBytes < 1024) {
            throw new InvalidConfigException(SEGMENT_BYTES, segmentBytes, "must be at least 1024");
        }
        if (segmentMs < 1) {
            throw new InvalidConfigException(SEGMENT_MS, segmentMs, "must be at least 1");
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
    }

    /**
     * Applies topic-level overrides to these values.
     *
     * @throws InvalidConfigException if a key is unknown or a value is out of range
     */
    public LogConfig withOverrides(Map<String, String> overrides) {
        for (String key : overrides.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidConfigException(key, overrides.get(key), "not a topic configuration the log honours " + KEYS);
            }
        }
        return new LogConfig(
                ConfigValues.longValue(overrides, SEGMENT_BYTES, segmentBytes, 1024),
                ConfigValues.longValue(overrides, SEGMENT_MS, segmentMs, 1),
                ConfigValues.longValue(overrides, RETENTION_MS, retentionMs, -1),
                ConfigValues.longValue(overrides, RETENTION_BYTES, retentionBytes, -1),
                ConfigValues.intValue(overrides, MAX_MESSAGE_BYTES, maxMessageBytes, 0),
                ConfigValues.policyValue(overrides, CLEANUP_POLICY, cleanupPolicy),
                ConfigValues.longValue(overrides, DELETE_RETENTION_MS, deleteRetentionMs, 0),
                ConfigValues.doubleValue(overrides, MIN_CLEANABLE_DIRTY_RATIO, minCleanableDirtyRatio, 0, 1),
                ConfigValues.longValue(overrides, MIN_COMPACTION_LAG_MS, minCompactionLagMs, 0));
    }

    /** These values under their Kafka names, for display and for storing as overrides. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(SEGMENT_BYTES, Long.toString(segmentBytes));
        map.put(SEGMENT_MS, Long.toString(segmentMs));
        map.put(RETENTION_MS, Long.toString(retentionMs));
        map.put(RETENTION_BYTES, Long.toString(retentionBytes));
        map.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        map.put(CLEANUP_POLICY, cleanupPolicy.value());
        map.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        map.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
        map.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        return map;
    }
}
