package io.ledgerstream.log.metadata;

import io.ledgerstream.log.config.Replication;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as stored in ZooKeeper: its id (KIP-516: a new one each time a topic of that name is created), its
 * partition count, how its segments are replicated, and the topic-level config overrides (Kafka names, e.g.
 * {@code retention.ms}). Immutable; stored with {@link MetadataCodec}.
 */
public record TopicRecord(String name, Uuid id, int partitions, Replication replication,
                          Map<String, String> configOverrides, long createdAtMs) {

    public TopicRecord {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition, got " + partitions);
        }
        if (!TopicIds.isUsable(id)) {
            throw new IllegalArgumentException("topic " + name + " cannot have the id " + id);
        }
        configOverrides = Map.copyOf(configOverrides);
    }

    /** A topic about to be created, with a new random id. */
    public static TopicRecord create(String name, int partitions, Replication replication,
                                     Map<String, String> configOverrides, long createdAtMs) {
        return new TopicRecord(name, TopicIds.random(), partitions, replication, configOverrides, createdAtMs);
    }

    /** This topic with {@code total} partitions. */
    public TopicRecord withPartitions(int total) {
        return new TopicRecord(name, id, total, replication, configOverrides, createdAtMs);
    }

    /** This topic with other config overrides. */
    public TopicRecord withConfigOverrides(Map<String, String> overrides) {
        return new TopicRecord(name, id, partitions, replication, overrides, createdAtMs);
    }
}
