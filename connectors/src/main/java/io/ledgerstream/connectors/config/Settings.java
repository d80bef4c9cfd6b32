package io.ledgerstream.connectors.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.util.TimeUtils;

/**
 * One block of a connector file (the file itself, or its {@code source:}, {@code sink:} or {@code errors:} block),
 * read key by key into typed values. Every read marks its key as known; {@link #rejectUnknown} then names the
 * first key nobody read. Every problem is a {@link ConnectorConfigException} naming the file and the key's full
 * path ({@code source.port}).
 *
 * <p>Not thread-safe: one thread reads a file.
 */
public final class Settings {
    private final String file;
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>();

    /**
     * @param file the file's name, for messages
     * @param path the block's path in the file ("" for the top level)
     */
    public Settings(String file, String path, Map<String, Object> values) {
        this.file = file;
        this.path = path;
        this.values = new LinkedHashMap<>(values);
    }

    public String file() {
        return file;
    }

    public boolean has(String key) {
        known.add(key);
        return values.get(key) != null;
    }

    /** A required text value. */
    public String string(String key) {
        return optionalString(key).orElseThrow(() -> problem(key, "is required"));
    }

    public String string(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    public Optional<String> optionalString(String key) {
        Object value = raw(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map || value instanceof List) {
            throw problem(key, "must be a single value, not a " + (value instanceof Map ? "block" : "list"));
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            throw problem(key, "must not be empty");
        }
        return Optional.of(text);
    }

    /** A whole number within [min, max], or the fallback when absent. */
    public int integer(String key, int fallback, int min, int max) {
        return (int) longValue(key, fallback, min, max);
    }

    public long longValue(String key, long fallback, long min, long max) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below, with the range.
        }
        throw problem(key, "must be a whole number from " + min + " to " + max + ", not '" + text.get() + "'");
    }

    public boolean bool(String key, boolean fallback) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw problem(key, "must be true or false, not '" + text.get() + "'");
        };
    }

    /** A duration such as {@code 500 ms}, {@code 10 s} or {@code 2 min}, at least {@code min}. */
    public Duration duration(String key, Duration fallback, Duration min) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        Duration value;
        try {
            value = TimeUtils.parseDuration(text.get());
        } catch (IllegalArgumentException e) {
            throw problem(key, "must be a duration such as '500 ms', '10 s' or '2 min', not '" + text.get() + "'");
        }
        if (value.compareTo(min) < 0) {
            throw problem(key, "must be at least " + TimeUtils.formatWithHighestUnit(min) + ", not '" + text.get()
                    + "'");
        }
        return value;
    }

    /** One of the given words (compared without case), or the fallback when absent. */
    public String oneOf(String key, String fallback, List<String> allowed) {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        for (String word : allowed) {
            if (word.equalsIgnoreCase(text.get())) {
                return word;
            }
        }
        throw problem(key, "must be one of " + String.join(", ", allowed) + ", not '" + text.get() + "'");
    }

    /** A required, non-empty list of text values; a single value counts as a list of one. */
    public List<String> strings(String key) {
        return optionalStrings(key).orElseThrow(() -> problem(key, "is required"));
    }

    public Optional<List<String>> optionalStrings(String key) {
        Object value = raw(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list)) {
            return optionalString(key).map(List::of);
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            if (item == null || item instanceof Map || item instanceof List || item.toString().isBlank()) {
                throw problem(key, "must be a list of names or values");
            }
            out.add(item.toString().trim());
        }
        if (out.isEmpty()) {
            throw problem(key, "must not be empty");
        }
        return Optional.of(List.copyOf(out));
    }

    /** A password given as {@code ${env:VARIABLE}} or {@code ${file:PATH}}. */
    public Optional<Secret> secret(String key) {
        return optionalString(key).map(text -> {
            try {
                return Secret.parse(text);
            } catch (IllegalArgumentException e) {
                throw problem(key, e.getMessage());
            }
        });
    }

    /** A nested block; an absent one reads as empty. */
    @SuppressWarnings("unchecked")
    public Settings block(String key) {
        Object value = raw(key);
        if (value == null) {
            return new Settings(file, qualified(key), Map.of());
        }
        if (!(value instanceof Map)) {
            throw problem(key, "must be a block of keys");
        }
        return new Settings(file, qualified(key), (Map<String, Object>) value);
    }

    /**
     * A block of names to single text values (HTTP headers, for one); an absent block reads as empty. Every name in
     * it counts as known.
     */
    public Map<String, String> textBlock(String key) {
        Settings block = block(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : block.values.keySet()) {
            out.put(name, block.string(name));
        }
        return out;
    }

    /** Fails naming the first key that no read asked for. */
    public void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw problem(key, "is not a known key here" + (path.isEmpty() ? "" : " (in '" + path + "')"));
            }
        }
    }

    /** A problem with one key of this block, to throw. */
    public ConnectorConfigException problem(String key, String problem) {
        return new ConnectorConfigException(file, qualified(key), problem);
    }

    private Object raw(String key) {
        known.add(key);
        return values.get(key);
    }

    private String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
