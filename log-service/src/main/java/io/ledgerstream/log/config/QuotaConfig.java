package io.ledgerstream.log.config;

import java.util.Map;

/**
 * How client quotas are measured, from Kafka's keys: each rate is taken over {@code quota.window.num} samples of
 * {@code quota.window.size.seconds} each. Immutable.
 *
 * @param windows       {@code quota.window.num}: the samples a rate is taken over
 * @param windowSeconds {@code quota.window.size.seconds}: the length of one sample
 */
public record QuotaConfig(int windows, int windowSeconds) {
    public static final String WINDOW_NUM = "quota.window.num";
    public static final String WINDOW_SIZE_SECONDS = "quota.window.size.seconds";
    /** Kafka's defaults. */
    public static final QuotaConfig DEFAULT = new QuotaConfig(11, 1);

    /** Reads the keys from a broker's settings; a bad value names its key. */
    public static QuotaConfig fromMap(Map<String, String> values) {
        return new QuotaConfig(ConfigValues.intValue(values, WINDOW_NUM, DEFAULT.windows(), 1),
                ConfigValues.intValue(values, WINDOW_SIZE_SECONDS, DEFAULT.windowSeconds(), 1));
    }
}
