package io.ledgerstream.log.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What happens to old records of a topic ({@code cleanup.policy}): deleted by retention, compacted to the latest
 * record per key, or both.
 */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact"),
    COMPACT_DELETE("compact,delete");

    private final String value;

    CleanupPolicy(String value) {
        this.value = value;
    }

    /** Whether retention ({@code retention.ms}, {@code retention.bytes}) deletes old segments. */
    public boolean deletes() {
        return this != COMPACT;
    }

    /** Whether older records of a key are removed once a newer record of the key is in a sealed segment. */
    public boolean compacts() {
        return this != DELETE;
    }

    /** The value under Kafka's name, as {@code kafka-configs} shows it. */
    public String value() {
        return value;
    }

    /**
     * Parses Kafka's list form: {@code delete}, {@code compact}, or both in either order.
     *
     * @throws InvalidConfigException naming {@code key} for anything else
     */
    static CleanupPolicy parse(String key, String raw) {
        Set<String> parts = Arrays.stream(raw.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        if (parts.equals(Set.of("delete"))) {
            return DELETE;
        }
        if (parts.equals(Set.of("compact"))) {
            return COMPACT;
        }
        if (parts.equals(Set.of("compact", "delete"))) {
            return COMPACT_DELETE;
        }
        throw new InvalidConfigException(key, raw, "must be 'delete', 'compact' or 'compact,delete'");
    }
}
