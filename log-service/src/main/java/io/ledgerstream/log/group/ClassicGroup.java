package io.ledgerstream.log.group;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** The state of one classic consumer group. Confined to the coordinator's thread. */
final class ClassicGroup {
    /** Kafka's classic group states. */
    enum State { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE }

    final String groupId;
    State state = State.EMPTY;
    int generation;
    String protocolType;
    String protocolName;
    String leaderId;
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    /**
     * Member ids handed out with MEMBER_ID_REQUIRED, not yet joined, each with its expiry. A join phase waits for
     * them too, so consumers that start together land in one rebalance.
     */
    final Map<String, ScheduledFuture<?>> pendingMemberIds = new HashMap<>();
    ScheduledFuture<?> joinDeadline;
    /** Whether the join phase of a new group still waits for more members (group.initial.rebalance.delay.ms). */
    boolean initialDelay;

    ClassicGroup(String groupId) {
        this.groupId = groupId;
    }

    GroupMember memberByInstanceId(String instanceId) {
        for (GroupMember m : members.values()) {
            if (instanceId.equals(m.groupInstanceId)) {
                return m;
            }
        }
        return null;
    }

    boolean allMembersJoined() {
        return pendingMemberIds.isEmpty() && members.values().stream().allMatch(m -> m.pendingJoin != null);
    }

    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** The first protocol, in the leader's order, that every member supports; null if there is none. */
    String commonProtocol() {
        GroupMember first = members.values().iterator().next();
        for (String name : first.protocols.keySet()) {
            if (members.values().stream().allMatch(m -> m.protocols.containsKey(name))) {
                return name;
            }
        }
        return null;
    }

    String stateName() {
        return switch (state) {
            case EMPTY -> "Empty";
            case PREPARING_REBALANCE -> "PreparingRebalance";
            case COMPLETING_REBALANCE -> "CompletingRebalance";
            case STABLE -> "Stable";
        };
    }
}
