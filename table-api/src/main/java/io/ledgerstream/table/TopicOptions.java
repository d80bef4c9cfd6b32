package io.ledgerstream.table;

import static io.ledgerstream.table.LedgerstreamOptions.PARTITIONS;
import static io.ledgerstream.table.LedgerstreamOptions.REPLICATION_FACTOR;
import static io.ledgerstream.table.LedgerstreamOptions.TOPIC_SETTINGS;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * A table's WITH options as its topic takes them: the partitions and replication factor of a topic to create and the
 * topic settings to apply. Each option is checked by Flink's {@link FactoryUtil} against its type in
 * {@link LedgerstreamOptions}; settings keep the text the user wrote, so the broker applies (and describes) exactly
 * that and checks their ranges as Kafka does.
 *
 * @param partitions        the partitions of the topic to create
 * @param replicationFactor the replication factor of the topic to create; empty for the broker's default
 * @param settings          the topic settings given, by their Kafka names
 */
record TopicOptions(int partitions, Optional<Short> replicationFactor, Map<String, String> settings) {
    private static final List<ConfigOption<?>> CREATE_OPTIONS =
            Stream.concat(Stream.of(PARTITIONS, REPLICATION_FACTOR), TOPIC_SETTINGS.stream()).toList();
    private static final Set<String> CREATE_KEYS = keys(CREATE_OPTIONS);
    private static final Set<String> SETTING_KEYS = keys(TOPIC_SETTINGS);

    TopicOptions {
        settings = Map.copyOf(settings);
    }

    /**
     * The options of a {@code CREATE TABLE}.
     *
     * @throws ValidationException naming the options that are not a table's, or the option whose value does not parse
     */
    static TopicOptions forCreate(Map<String, String> options) {
        Configuration config = typed(options, CREATE_OPTIONS);
        allowOnly(options.keySet(), CREATE_KEYS, unknown -> (unknown.size() == 1
                ? "Option " + quoted(unknown) + " is not one"
                : "Options " + quoted(unknown) + " are not ones")
                + " a Ledgerstream table takes: " + names(CREATE_OPTIONS));
        Optional<Short> replication = config.getOptional(REPLICATION_FACTOR).map(TopicOptions::replication);
        return new TopicOptions(config.get(PARTITIONS), replication, settingsOf(options));
    }

    /**
     * The topic settings among a table's options after {@code ALTER TABLE ... SET}. Any other option must be one the
     * table already had: Flink hands the catalog the table's current options with the new ones.
     *
     * @param current the keys of the table's options before the change
     * @throws ValidationException naming the options that cannot change, or the setting whose value does not parse
     */
    static Map<String, String> forAlter(Map<String, String> options, Set<String> current) {
        typed(options, TOPIC_SETTINGS);
        Set<String> allowed = new HashSet<>(current);
        allowed.addAll(SETTING_KEYS);
        allowOnly(options.keySet(), allowed, unknown -> (unknown.size() == 1 ? "Option " : "Options ")
                + quoted(unknown) + " cannot be changed on a Ledgerstream table; its topic settings can: "
                + names(TOPIC_SETTINGS));
        return settingsOf(options);
    }

    /** The names of the topic settings, for messages. */
    static String settingNames() {
        return names(TOPIC_SETTINGS);
    }

    /**
     * The options as a configuration whose values, where given, parse as the types of {@code declared}. A topic
     * setting is checked trimmed, as the broker reads it; the others as Flink reads them.
     */
    private static Configuration typed(Map<String, String> options, List<ConfigOption<?>> declared) {
        Map<String, String> read = new HashMap<>(options);
        read.replaceAll((key, value) -> SETTING_KEYS.contains(key) ? value.trim() : value);
        Configuration config = Configuration.fromMap(read);
        try {
            FactoryUtil.validateFactoryOptions(Set.of(), new HashSet<>(declared), config);
        } catch (ValidationException e) {
            if (e.getCause() == null) {
                throw e;
            }
            // FactoryUtil names the key; its cause says why the value does not parse.
            throw new ValidationException(e.getMessage() + " " + e.getCause().getMessage(), e);
        }
        return config;
    }

    /**
     * Refuses options other than {@code allowed} with our message naming them, FactoryUtil's (which lists every
     * supported option) as its cause.
     */
    private static void allowOnly(Set<String> given, Set<String> allowed, Function<Set<String>, String> message) {
        try {
            FactoryUtil.validateUnconsumedKeys(LedgerstreamCatalogFactory.IDENTIFIER, given, allowed);
        } catch (ValidationException e) {
            Set<String> unknown = new TreeSet<>(given);
            unknown.removeAll(allowed);
            throw new ValidationException(message.apply(unknown), e);
        }
    }

    private static short replication(int factor) {
        if (factor < Short.MIN_VALUE || factor > Short.MAX_VALUE) {
            throw new ValidationException("Invalid value for option '" + REPLICATION_FACTOR.key() + "'. " + factor
                    + " does not fit a topic's replication factor, a 16-bit number");
        }
        return (short) factor;
    }

    private static Map<String, String> settingsOf(Map<String, String> options) {
        Map<String, String> settings = new HashMap<>();
        options.forEach((key, value) -> {
            if (SETTING_KEYS.contains(key)) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    private static Set<String> keys(List<ConfigOption<?>> options) {
        return options.stream().map(ConfigOption::key).collect(Collectors.toSet());
    }

    private static String names(List<ConfigOption<?>> options) {
        return options.stream().map(ConfigOption::key).collect(Collectors.joining(", "));
    }

    private static String quoted(Set<String> keys) {
        return keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "));
    }
}
