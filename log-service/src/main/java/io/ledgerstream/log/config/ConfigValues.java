package io.ledgerstream.log.config;

import java.util.Map;

/** Typed reads of string-valued configuration maps, each failure naming the key. */
final class ConfigValues {
    private ConfigValues() {
    }

    static long longValue(Map<String, String> values, String key, long defaultValue, long min) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, raw, "not a whole number");
        }
        if (parsed < min) {
            throw new InvalidConfigException(key, raw, "must be at least " + min);
        }
        return parsed;
    }

    static int intValue(Map<String, String> values, String key, int defaultValue, int min) {
        long parsed = longValue(values, key, defaultValue, min);
        if (parsed > Integer.MAX_VALUE) {
            throw new InvalidConfigException(key, parsed, "must be at most " + Integer.MAX_VALUE);
        }
        return (int) parsed;
    }

    static double doubleValue(Map<String, String> values, String key, double defaultValue, double min, double max) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, raw, "not a number");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new InvalidConfigException(key, raw, "must be between " + min + " and " + max);
        }
        return parsed;
    }

    static CleanupPolicy policyValue(Map<String, String> values, String key, CleanupPolicy defaultValue) {
        String raw = values.get(key);
        return raw == null ? defaultValue : CleanupPolicy.parse(key, raw);
    }

    static boolean booleanValue(Map<String, String> values, String key, boolean defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigException(key, raw, "must be true or false");
        };
    }

    static String stringValue(Map<String, String> values, String key, String defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (raw.isBlank()) {
            throw new InvalidConfigException(key, raw, "must not be blank");
        }
        return raw.trim();
    }
}
