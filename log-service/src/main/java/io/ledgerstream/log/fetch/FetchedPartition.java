package io.ledgerstream.log.fetch;

import java.util.Objects;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A partition as a fetch names it: by topic id (Fetch 13 and later; the name is then the one the id resolved to, or
 * null when no topic has the id) or by name (the id is then zero). Named by id, a partition is the same whatever
 * name its id resolves to at the moment: a session forgets a deleted topic's partition though its id no longer
 * resolves.
 */
public record FetchedPartition(Uuid topicId, String topic, int partition) {

    @Override
    public boolean equals(Object o) {
        return o instanceof FetchedPartition other && partition == other.partition && topicId.equals(other.topicId)
                && (!Uuid.ZERO_UUID.equals(topicId) || Objects.equals(topic, other.topic));
    }

    @Override
    public int hashCode() {
        return Uuid.ZERO_UUID.equals(topicId) ? Objects.hash(topic, partition) : Objects.hash(topicId, partition);
    }

    /** The partition by name; only for a partition whose topic is known. */
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** Whether this names a topic that exists (as far as the request could tell). */
    public boolean known() {
        return topic != null;
    }

    @Override
    public String toString() {
        return (topic != null ? topic : topicId.toString()) + "-" + partition;
    }
}
