package io.ledgerstream.log.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One listener's view of the broker's keys, as Kafka reads them: {@code listener.name.<listener>.<key>} overrides
 * {@code <key>} for that listener (the listener's name in lower case, as Kafka writes it; any case is read). Immutable.
 */
final class ListenerKeys {
    static final String PREFIX = "listener.name.";

    private final Map<String, String> values;
    /** By the key it overrides, the prefixed key given for this listener. */
    private final Map<String, String> overrides = new HashMap<>();

    ListenerKeys(Map<String, String> values, String listenerName) {
        this.values = values;
        for (String key : values.keySet()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && rest.substring(0, dot).toUpperCase(Locale.ROOT).equals(listenerName)) {
                overrides.put(rest.substring(dot + 1), key);
            }
        }
    }

    /** The key that sets {@code base} for this listener: its prefixed form when given, else {@code base} itself. */
    String key(String base) {
        return overrides.getOrDefault(base, base);
    }

    /** The value in force for this listener, or null. */
    String value(String base) {
        return values.get(key(base));
    }

    /** Every key and value the broker was given, for typed reads of {@link #key(String)}. */
    Map<String, String> values() {
        return values;
    }
}
