package io.ledgerstream.log.quota;

import java.util.Arrays;
import java.util.List;

/** The quotas a user or client id can be given, by the key Kafka names each with. */
public enum QuotaType {
    /** Bytes per second the entity's Produce requests may carry. */
    PRODUCE("producer_byte_rate", true),
    /** Bytes per second the entity's Fetch responses may carry. */
    FETCH("consumer_byte_rate", true),
    /** Percentage of one request-handling thread the entity's requests may take (100 = one thread's time). */
    REQUEST("request_percentage", false);

    private static final List<String> KEYS = Arrays.stream(values()).map(QuotaType::key).toList();

    private final String key;
    private final boolean integral;

    QuotaType(String key, boolean integral) {
        this.key = key;
        this.integral = integral;
    }

    /** The quota's key in AlterClientQuotas and {@code kafka-configs}. */
    public String key() {
        return key;
    }

    /** Whether a value must be a whole number (a byte rate) rather than any positive number. */
    public boolean integral() {
        return integral;
    }

    /** The type of a key; null for a key that is not a quota served here. */
    public static QuotaType forKey(String key) {
        for (QuotaType type : values()) {
            if (type.key.equals(key)) {
                return type;
            }
        }
        return null;
    }

    /** Every key, in declaration order. */
    public static List<String> keys() {
        return KEYS;
    }
}
