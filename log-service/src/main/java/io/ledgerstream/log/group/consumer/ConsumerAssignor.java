package io.ledgerstream.log.group.consumer;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor: from the members' subscriptions, the subscribed topics and the current target assignment,
 * the next target assignment, in which every partition of a subscribed topic goes to exactly one member subscribed
 * to its topic. Pure: no state, any thread.
 */
public interface ConsumerAssignor {
    /** The name members ask for it by ({@code group.remote.assignor} on the client). */
    String name();

    /**
     * @param members the members, each with its subscription
     * @param topics  the subscribed topics that exist, by id
     * @param current the current target assignment by member id (members new to the group have none)
     * @return the new target assignment, an entry (maybe empty) for every member
     */
    Map<String, PartitionSet> assign(List<MemberSubscription> members, Map<Uuid, GroupTopic> topics,
                                     Map<String, PartitionSet> current);
}
