package io.ledgerstream.log.metadata;

import io.ledgerstream.log.config.Replication;
import java.util.Map;

/**
 * A topic as stored in ZooKeeper: its partition count, how its segments are replicated, and the topic-level
 * config overrides (Kafka names, e.g. {@code retention.ms}). Immutable; stored with {@link MetadataCodec}.
 */
public record TopicRecord(String name, int partitions, Replication replication, Map<String, String> configOverrides,
                          long createdAtMs) {

    public TopicRecord {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition, got " + partitions);
        }
        configOverrides = Map.copyOf(configOverrides);
    }
}
