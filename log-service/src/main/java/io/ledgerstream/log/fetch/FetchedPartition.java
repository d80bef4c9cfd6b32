package io.ledgerstream.log.fetch;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A partition as a fetch names it: by topic id (Fetch 13 and later; the name is then the one the id resolved to, or
 * null when no topic has the id) or by name (the id is then zero).
 */
public record FetchedPartition(Uuid topicId, String topic, int partition) {

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
