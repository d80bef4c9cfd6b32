package io.ledgerstream.log.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Kafka 4's topic configs that mean nothing on a log stored in BookKeeper. They are validated as Kafka validates
 * them, stored and described, so that tools and applications that set them (Kafka Streams, Connect, scripts) work
 * unchanged; the README says for each why it has no effect.
 */
public final class InertTopicConfigs {
    private static final String THROTTLED_REPLICAS = "([0-9]+:[0-9]+)?(,[0-9]+:[0-9]+)*|\\*";

    private static final ConfigDef DEFINITION = new ConfigDef()
            // No index files: each segment's offset index is built in memory.
            .define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, ConfigDef.Type.INT, 4096, ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.LOW, "no effect: no index files")
            .define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, ConfigDef.Type.INT, 10 * 1024 * 1024,
                    ConfigDef.Range.atLeast(4), ConfigDef.Importance.LOW, "no effect: no index files")
            .define(TopicConfig.PREALLOCATE_CONFIG, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW,
                    "no effect: bookies own their files")
            .define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, ConfigDef.Type.LONG, 60_000L, ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.LOW, "no effect: ledgers are deleted through BookKeeper")
            // BookKeeper replicates; brokers copy nothing between each other, and every leader change is clean.
            .define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, ConfigDef.Type.BOOLEAN, false,
                    ConfigDef.Importance.LOW, "no effect: every leader fences and recovers the last ledger")
            .define("leader.replication.throttled.replicas", ConfigDef.Type.LIST, "",
                    new ThrottledReplicas(), ConfigDef.Importance.LOW, "no effect: brokers do not replicate")
            .define("follower.replication.throttled.replicas", ConfigDef.Type.LIST, "",
                    new ThrottledReplicas(), ConfigDef.Importance.LOW, "no effect: brokers do not replicate")
            // Tiered storage is not built; enabling it is refused as Kafka refuses it on a cluster without it.
            .define(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, ConfigDef.Type.BOOLEAN, false,
                    ConfigDef.Importance.LOW, "tiered storage is not available")
            .define(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, ConfigDef.Type.LONG, -2L, ConfigDef.Range.atLeast(-2),
                    ConfigDef.Importance.LOW, "no effect without tiered storage")
            .define(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, ConfigDef.Type.LONG, -2L,
                    ConfigDef.Range.atLeast(-2), ConfigDef.Importance.LOW, "no effect without tiered storage")
            .define(TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG, ConfigDef.Type.BOOLEAN, false,
                    ConfigDef.Importance.LOW, "no effect without tiered storage")
            .define(TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG, ConfigDef.Type.BOOLEAN, false,
                    ConfigDef.Importance.LOW, "no effect without tiered storage");

    /** The keys, in Kafka's spelling. */
    public static final Set<String> KEYS = Collections.unmodifiableSet(DEFINITION.names());

    private InertTopicConfigs() {
    }

    /**
     * Checks the values given for inert keys (others are ignored) as Kafka checks them.
     *
     * @throws InvalidConfigException naming the key and why
     */
    static void validate(Map<String, String> overrides) {
        overrides.forEach((key, value) -> {
            if (!KEYS.contains(key)) {
                return;
            }
            Map<String, String> one = new HashMap<>();
            one.put(key, value);
            try {
                DEFINITION.parse(one);
            } catch (ConfigException e) {
                throw new InvalidConfigException(key, value, e.getMessage());
            }
        });
        String remote = overrides.getOrDefault(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, "false");
        if (Boolean.parseBoolean(remote.trim())) {
            throw new InvalidConfigException(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, "true",
                    "tiered storage is not enabled on this cluster");
        }
    }

    /** Kafka's default of an inert key, as its describe shows it. */
    public static String defaultValue(String key) {
        ConfigDef.ConfigKey definition = DEFINITION.configKeys().get(key);
        return ConfigDef.convertToString(definition.defaultValue, definition.type);
    }

    /** The type DescribeConfigs reports for an inert key. */
    public static ConfigDef.Type type(String key) {
        return DEFINITION.configKeys().get(key).type;
    }

    /** Throttled replicas as Kafka writes them: {@code *}, or a list of {@code partition:broker}. */
    private static final class ThrottledReplicas implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String joined = String.join(",", ((java.util.List<?>) value).stream().map(v -> v.toString().trim())
                    .toList());
            if (!joined.matches(THROTTLED_REPLICAS)) {
                throw new ConfigException(name, value, "must be * or a list of partition:broker pairs");
            }
        }
    }
}
