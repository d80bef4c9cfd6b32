package io.ledgerstream.log.config;

import java.util.Map;
import org.apache.kafka.common.record.TimestampType;

/**
 * Which time a topic's records carry and how far from the broker's clock a producer's time may be
 * ({@code message.timestamp.type}, {@code message.timestamp.before.max.ms}, {@code message.timestamp.after.max.ms}).
 *
 * @param type        {@link TimestampType#CREATE_TIME} keeps the producer's timestamps;
 *                    {@link TimestampType#LOG_APPEND_TIME} stamps each batch with the time it was appended
 * @param beforeMaxMs how far in the past a producer's timestamp may be (create time only)
 * @param afterMaxMs  how far in the future a producer's timestamp may be (create time only)
 */
public record MessageTimestamps(TimestampType type, long beforeMaxMs, long afterMaxMs) {
    /** Kafka 4's defaults: create time, any age, at most an hour ahead. */
    public static final MessageTimestamps DEFAULTS = new MessageTimestamps(TimestampType.CREATE_TIME, Long.MAX_VALUE,
            3_600_000L);

    public MessageTimestamps {
        if (type != TimestampType.CREATE_TIME && type != TimestampType.LOG_APPEND_TIME) {
            throw new InvalidConfigException(LogConfig.MESSAGE_TIMESTAMP_TYPE, type,
                    "must be CreateTime or LogAppendTime");
        }
        if (beforeMaxMs < 0) {
            throw new InvalidConfigException(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, beforeMaxMs,
                    "must be at least 0");
        }
        if (afterMaxMs < 0) {
            throw new InvalidConfigException(LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, afterMaxMs,
                    "must be at least 0");
        }
    }

    /**
     * These settings with the values {@code values} gives under the keys named (a topic's keys, or the broker's
     * {@code log.}-prefixed defaults); keys not given keep their value.
     */
    MessageTimestamps with(Map<String, String> values, String typeKey, String beforeKey, String afterKey) {
        String raw = values.get(typeKey);
        return new MessageTimestamps(raw == null ? type : parseType(typeKey, raw),
                ConfigValues.longValue(values, beforeKey, beforeMaxMs, 0),
                ConfigValues.longValue(values, afterKey, afterMaxMs, 0));
    }

    /** Reads a {@code message.timestamp.type} value as Kafka writes it. */
    static TimestampType parseType(String key, String raw) {
        return switch (raw.trim()) {
            case "CreateTime" -> TimestampType.CREATE_TIME;
            case "LogAppendTime" -> TimestampType.LOG_APPEND_TIME;
            default -> throw new InvalidConfigException(key, raw, "must be CreateTime or LogAppendTime");
        };
    }

    /** Whether a producer's timestamp is accepted at {@code nowMs}; log append time accepts any. */
    public boolean accepts(long timestamp, long nowMs) {
        if (type == TimestampType.LOG_APPEND_TIME) {
            return true;
        }
        // Subtractions rather than sums, so that Long.MAX_VALUE bounds do not overflow.
        return !(timestamp < nowMs && nowMs - timestamp > beforeMaxMs)
                && !(timestamp > nowMs && timestamp - nowMs > afterMaxMs);
    }
}
