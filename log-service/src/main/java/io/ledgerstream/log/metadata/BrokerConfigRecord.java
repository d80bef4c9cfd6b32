package io.ledgerstream.log.metadata;

import java.util.Map;
import java.util.TreeMap;

/**
 * Dynamic broker settings as stored in ZooKeeper, for one broker or for every broker (the cluster default): Kafka
 * key names and values, set with IncrementalAlterConfigs or AlterConfigs. Immutable; stored with
 * {@link MetadataCodec}.
 */
public record BrokerConfigRecord(Map<String, String> settings) {
    /** No dynamic settings. */
    public static final BrokerConfigRecord EMPTY = new BrokerConfigRecord(Map.of());

    public BrokerConfigRecord {
        settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
    }
}
