package io.ledgerstream.log.group.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;

/**
 * The consumer protocol embedded in the classic protocol's JoinGroup and SyncGroup (protocol type
 * {@code consumer}), read and written with kafka-clients' own codec: what a classic member subscribes to and owns,
 * and the assignment a consumer group hands it.
 */
final class ClassicProtocol {
    /** The protocol type of consumers, the only one a consumer group takes classic members of. */
    static final String TYPE = ConsumerProtocol.PROTOCOL_TYPE;

    /** A classic member's subscription: topic names, the partitions it owns now, its rack (null: none). */
    record Subscription(List<String> topics, List<TopicPartition> owned, String rackId) {
    }

    private ClassicProtocol() {
    }

    /**
     * The subscription in a member's protocols; every protocol carries the same one, so the first is read.
     *
     * @throws InconsistentGroupProtocolException if it is not the consumer protocol's
     */
    static Subscription subscription(String groupId, Map<String, byte[]> protocols) {
        byte[] metadata = protocols.values().iterator().next();
        try {
            ConsumerPartitionAssignor.Subscription s = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(
                    metadata));
            return new Subscription(List.copyOf(s.topics()), List.copyOf(s.ownedPartitions()),
                    s.rackId().orElse(null));
        } catch (RuntimeException e) {
            // kafka-clients' codec throws SchemaException, BufferUnderflowException or a plain RuntimeException.
            throw new InconsistentGroupProtocolException("The JoinGroup metadata for group " + groupId
                    + " is not a consumer protocol subscription: " + e.getMessage());
        }
    }

    /** The partitions of an assignment in the consumer protocol's bytes (empty bytes: none). */
    static List<TopicPartition> assignment(String groupId, byte[] assignment) {
        if (assignment == null || assignment.length == 0) {
            return List.of();
        }
        try {
            return List.copyOf(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions());
        } catch (RuntimeException e) {
            throw new InconsistentGroupProtocolException("The assignment of a member of group " + groupId
                    + " is not a consumer protocol assignment: " + e.getMessage());
        }
    }

    /**
     * An assignment in the consumer protocol's bytes, at the version of the member's preferred protocol; partitions
     * of topics not in {@code topics} (deleted meanwhile) are left out.
     */
    static byte[] assignment(PartitionSet partitions, Map<Uuid, GroupTopic> topics, ClassicMetadata member) {
        List<TopicPartition> named = new ArrayList<>();
        partitions.forEach((id, p) -> {
            GroupTopic topic = topics.get(id);
            if (topic != null) {
                named.add(new TopicPartition(topic.name(), p));
            }
        });
        short version = ConsumerProtocol.deserializeVersion(ByteBuffer.wrap(
                member.protocols().get(member.firstProtocol())));
        ByteBuffer bytes = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(named),
                version);
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return array;
    }
}
