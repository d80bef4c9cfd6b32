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
 */
public record LogConfig(long segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int maxMessageBytes) {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /** Accepted with its only supported value, {@code delete}, so that tools that set it explicitly work. */
    public static final String CLEANUP_POLICY = "cleanup.policy";

    /**
     * The table schema of the topic, kept for clients (the Flink catalog) and never read by the log. The Kafka
     * protocol bounds it, like every config value, to 32,767 bytes.
     */
    public static final String SCHEMA = "ledgerstream.schema";
    /** Keys stored and described for clients but not part of these values. */
    public static final Set<String> CLIENT_KEYS = Set.of(SCHEMA);

    /** Every topic config key accepted: this record's, and the ones kept for clients ({@link #CLIENT_KEYS}). */
    public static final Set<String> KEYS = Set.of(SEGMENT_BYTES, SEGMENT_MS, RETENTION_MS, RETENTION_BYTES, MAX_MESSAGE_BYTES,
            CLEANUP_POLICY, SCHEMA);

    /** Kafka's defaults: 1 GiB segments, 7 days per segment and of retention, no size limit, 1 MiB batches. */
    public static final LogConfig DEFAULTS = new LogConfig(1L << 30, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1, 1024 * 1024 + 12);

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
        String policy = overrides.get(CLEANUP_POLICY);
        if (policy != null && !policy.trim().equals("delete")) {
            throw new InvalidConfigException(CLEANUP_POLICY, policy, "only 'delete' is supported");
        }
        return new LogConfig(
                ConfigValues.longValue(overrides, SEGMENT_BYTES, segmentBytes, 1024),
                ConfigValues.longValue(overrides, SEGMENT_MS, segmentMs, 1),
                ConfigValues.longValue(overrides, RETENTION_MS, retentionMs, -1),
                ConfigValues.longValue(overrides, RETENTION_BYTES, retentionBytes, -1),
                ConfigValues.intValue(overrides, MAX_MESSAGE_BYTES, maxMessageBytes, 0));
    }

    /** These values under their Kafka names, for display and for storing as overrides. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(SEGMENT_BYTES, Long.toString(segmentBytes));
        map.put(SEGMENT_MS, Long.toString(segmentMs));
        map.put(RETENTION_MS, Long.toString(retentionMs));
        map.put(RETENTION_BYTES, Long.toString(retentionBytes));
        map.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        map.put(CLEANUP_POLICY, "delete");
        return map;
    }
}
