package io.ledgerstream.log.config;

import java.util.Map;

/**
 * The transaction coordinator's settings, under Kafka's keys.
 *
 * @param stateLogPartitions partitions of {@code __transaction_state} ({@code transaction.state.log.num.partitions});
 *                           8 by default (Kafka: 50), since every partition is a ledger chain its leader keeps open
 * @param maxTimeoutMs       the largest transaction timeout a producer may ask for ({@code transaction.max.timeout.ms})
 * @param abortIntervalMs    how often transactions past their timeout are aborted
 *                           ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms})
 */
public record TransactionConfig(int stateLogPartitions, int maxTimeoutMs, long abortIntervalMs) {
    public static final String STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String ABORT_INTERVAL_MS = "transaction.abort.timed.out.transaction.cleanup.interval.ms";

    static TransactionConfig fromMap(Map<String, String> values) {
        return new TransactionConfig(
                ConfigValues.intValue(values, STATE_LOG_NUM_PARTITIONS, 8, 1),
                ConfigValues.intValue(values, MAX_TIMEOUT_MS, 900_000, 1),
                ConfigValues.longValue(values, ABORT_INTERVAL_MS, 10_000, 1));
    }
}
