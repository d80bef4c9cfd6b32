package io.ledgerstream.log.group.consumer;

import java.util.List;
import java.util.function.Predicate;

/**
 * A ConsumerGroupHeartbeat request as the coordinator reads it: every field that may be left out when unchanged is
 * null (or -1 for the rebalance timeout) then.
 *
 * @param owned the partitions the member owns, or null when unchanged since its last heartbeat
 * @param describable the topics the member's principal may describe: those its regular expression may match
 */
public record Heartbeat(String groupId, String memberId, int memberEpoch, String instanceId, String rackId,
                        int rebalanceTimeoutMs, List<String> subscribedTopicNames, String subscribedTopicRegex,
                        String serverAssignor, PartitionSet owned, String clientId, String clientHost,
                        Predicate<String> describable) {
    /** A heartbeat of a member that may describe every topic (ACLs not enforced). */
    public Heartbeat(String groupId, String memberId, int memberEpoch, String instanceId, String rackId,
                     int rebalanceTimeoutMs, List<String> subscribedTopicNames, String subscribedTopicRegex,
                     String serverAssignor, PartitionSet owned, String clientId, String clientHost) {
        this(groupId, memberId, memberEpoch, instanceId, rackId, rebalanceTimeoutMs, subscribedTopicNames,
                subscribedTopicRegex, serverAssignor, owned, clientId, clientHost, topic -> true);
    }

    /** Member epoch of a member that leaves the group. */
    public static final int LEAVE_EPOCH = -1;
    /** Member epoch of a static member that leaves for now and will come back under its instance id. */
    public static final int STATIC_LEAVE_EPOCH = -2;
}
