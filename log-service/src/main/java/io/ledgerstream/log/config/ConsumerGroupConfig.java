package io.ledgerstream.log.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of consumer groups of the new protocol (KIP-848), under Kafka's keys.
 *
 * @param sessionTimeoutMs    how long a member may go without a heartbeat before it is removed
 *                            ({@code group.consumer.session.timeout.ms}, 45 s)
 * @param heartbeatIntervalMs how often members heartbeat ({@code group.consumer.heartbeat.interval.ms}, 5 s)
 * @param assignors           the server-side assignors members may ask for, the first the default
 *                            ({@code group.consumer.assignors}: {@code uniform}, {@code range}, or Kafka's class names
 *                            of the same)
 * @param maxSize             the most members a group may have ({@code group.consumer.max.size})
 * @param enabled             whether the consumer protocol is served at all
 *                            ({@code group.coordinator.rebalance.protocols} names {@code consumer}, as by default;
 *                            {@code classic} is always served)
 * @param migration           which way a group with members may switch protocol
 *                            ({@code group.consumer.migration.policy}, {@code bidirectional} as in Kafka 4)
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, List<String> assignors, int maxSize,
                                  boolean enabled, MigrationPolicy migration) {
    public static final String SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String ASSIGNORS = "group.consumer.assignors";
    public static final String MAX_SIZE = "group.consumer.max.size";
    public static final String REBALANCE_PROTOCOLS = "group.coordinator.rebalance.protocols";
    public static final String MIGRATION_POLICY = "group.consumer.migration.policy";
    private static final List<String> KNOWN = List.of("uniform", "range");

    public ConsumerGroupConfig {
        assignors = List.copyOf(assignors);
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new InvalidConfigException(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs,
                    "must be smaller than " + SESSION_TIMEOUT_MS + " " + sessionTimeoutMs);
        }
    }

    static ConsumerGroupConfig fromMap(Map<String, String> values) {
        String given = ConfigValues.stringValue(values, ASSIGNORS, "uniform,range");
        List<String> assignors = new ArrayList<>();
        for (String name : given.split(",")) {
            String shortName = shortName(name.trim());
            if (!KNOWN.contains(shortName)) {
                throw new InvalidConfigException(ASSIGNORS, given, "'" + name.trim()
                        + "' is not an assignor; the assignors are " + String.join(", ", KNOWN));
            }
            if (!assignors.contains(shortName)) {
                assignors.add(shortName);
            }
        }
        String protocols = ConfigValues.stringValue(values, REBALANCE_PROTOCOLS, "classic,consumer");
        List<String> listed = new ArrayList<>();
        for (String protocol : protocols.split(",")) {
            String name = protocol.trim().toLowerCase(Locale.ROOT);
            if (!name.equals("classic") && !name.equals("consumer")) {
                throw new InvalidConfigException(REBALANCE_PROTOCOLS, protocols, "'" + protocol.trim()
                        + "' is not a group protocol; the protocols are classic and consumer");
            }
            listed.add(name);
        }
        if (!listed.contains("classic")) {
            throw new InvalidConfigException(REBALANCE_PROTOCOLS, protocols, "must include classic");
        }
        return new ConsumerGroupConfig(
                ConfigValues.intValue(values, SESSION_TIMEOUT_MS, 45_000, 1),
                ConfigValues.intValue(values, HEARTBEAT_INTERVAL_MS, 5_000, 1),
                assignors,
                ConfigValues.intValue(values, MAX_SIZE, Integer.MAX_VALUE, 1),
                listed.contains("consumer"),
                MigrationPolicy.parse(ConfigValues.stringValue(values, MIGRATION_POLICY, "bidirectional")));
    }

    /**
     * Which way a group with members switches protocol online: upgrade (a classic group becomes a consumer group
     * when a member of the consumer protocol joins), downgrade (a consumer group whose last member of the consumer
     * protocol leaves becomes a classic group), both, or neither. A group without members always switches.
     */
    public enum MigrationPolicy {
        DISABLED, UPGRADE, DOWNGRADE, BIDIRECTIONAL;

        public boolean upgrades() {
            return this == UPGRADE || this == BIDIRECTIONAL;
        }

        public boolean downgrades() {
            return this == DOWNGRADE || this == BIDIRECTIONAL;
        }

        static MigrationPolicy parse(String value) {
            for (MigrationPolicy policy : values()) {
                if (policy.name().equalsIgnoreCase(value.trim())) {
                    return policy;
                }
            }
            throw new InvalidConfigException(MIGRATION_POLICY, value,
                    "must be one of disabled, upgrade, downgrade, bidirectional");
        }
    }

    /** Kafka's class names of its assignors, as their short names. */
    private static String shortName(String name) {
        return switch (name) {
            case "org.apache.kafka.coordinator.group.assignor.UniformAssignor" -> "uniform";
            case "org.apache.kafka.coordinator.group.assignor.RangeAssignor" -> "range";
            default -> name;
        };
    }
}
