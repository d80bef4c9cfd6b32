package io.ledgerstream.log.config;

import java.util.Map;

/**
 * When a topic's appends reach disk ({@code flush.messages}, {@code flush.ms}). By default every append is fsynced
 * by the bookies' journals before it is acknowledged, as Kafka with {@code flush.messages=1}. A topic that asks for
 * less ({@link #deferred()}) writes its ledgers with BookKeeper's deferred sync: an append is acknowledged once the
 * bookies hold it, and the writer forces the ledger once {@code messages} records were acknowledged since the last
 * force, once the oldest unforced one is {@code ms} old, and before the ledger is closed.
 *
 * @param messages records acknowledged between forces ({@code flush.messages}); 1 is an fsync per write
 * @param ms       longest a record stays acknowledged but not forced ({@code flush.ms}); 0 is an fsync per write,
 *                 {@link Long#MAX_VALUE} no time bound
 */
public record FlushPolicy(long messages, long ms) {
    /** Ours: an fsync per write ({@code flush.messages=1}); {@code flush.ms} at Kafka's default. */
    public static final FlushPolicy DEFAULTS = new FlushPolicy(1, Long.MAX_VALUE);

    public FlushPolicy {
        if (messages < 1) {
            throw new InvalidConfigException(LogConfig.FLUSH_MESSAGES, messages, "must be at least 1");
        }
        if (ms < 0) {
            throw new InvalidConfigException(LogConfig.FLUSH_MS, ms, "must be at least 0");
        }
    }

    /**
     * Whether the topic's ledgers use deferred sync: {@code flush.messages} above 1 and {@code flush.ms} above 0.
     * Either at its lowest asks for an fsync per write.
     */
    public boolean deferred() {
        return messages > 1 && ms > 0;
    }

    /** Whether {@code ms} bounds how long a record stays unforced. */
    public boolean timed() {
        return ms < Long.MAX_VALUE;
    }

    /** These settings with the values {@code values} gives under the two keys; keys not given keep their value. */
    FlushPolicy with(Map<String, String> values, String messagesKey, String msKey) {
        return new FlushPolicy(ConfigValues.longValue(values, messagesKey, messages, 1),
                ConfigValues.longValue(values, msKey, ms, 0));
    }
}
