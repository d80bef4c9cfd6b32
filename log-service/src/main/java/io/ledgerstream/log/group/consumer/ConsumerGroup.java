package io.ledgerstream.log.group.consumer;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A consumer group: its members, the group epoch (bumped by every change of membership, subscriptions or subscribed
 * topics), the target assignment and its epoch, and which member holds each partition. A member moves to its target
 * in steps ({@link #reconcile}): it first revokes what its target no longer has, keeping its epoch; then it takes
 * the group's assignment epoch and every partition of its target that no other member still holds; the rest it gets
 * once their holders release them. So no partition is ever held by two members.
 *
 * <p>Not thread-safe: used only on the group coordinator's thread.
 */
public final class ConsumerGroup {
    private final String groupId;
    int groupEpoch;
    int assignmentEpoch;
    String assignorName;
    final Map<String, ConsumerMember> members = new LinkedHashMap<>();
    /** The member id of each static member, by instance id. */
    final Map<String, String> staticMembers = new HashMap<>();
    Map<String, PartitionSet> target = new HashMap<>();
    /** The subscribed topics as of the last group epoch; a change in them starts a new epoch. */
    Map<Uuid, GroupTopic> subscribedTopics = Map.of();
    private final Map<Uuid, Map<Integer, String>> holders = new HashMap<>();

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    public String groupId() {
        return groupId;
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public int assignmentEpoch() {
        return assignmentEpoch;
    }

    public String assignorName() {
        return assignorName;
    }

    public Collection<ConsumerMember> members() {
        return members.values();
    }

    /** The member's target assignment. */
    public PartitionSet targetOf(String memberId) {
        return target.getOrDefault(memberId, PartitionSet.EMPTY);
    }

    /** As Kafka names the states: Empty, Assigning (a new epoch has no target yet), Reconciling, Stable. */
    public String state() {
        if (members.isEmpty()) {
            return "Empty";
        }
        if (assignmentEpoch < groupEpoch) {
            return "Assigning";
        }
        for (ConsumerMember m : members.values()) {
            if (m.memberEpoch != assignmentEpoch || m.state != MemberState.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    /** The member holding a partition, or null. */
    String holder(Uuid topic, int partition) {
        Map<Integer, String> byPartition = holders.get(topic);
        return byPartition == null ? null : byPartition.get(partition);
    }

    void hold(ConsumerMember member, PartitionSet partitions) {
        partitions.forEach((t, p) -> holders.computeIfAbsent(t, x -> new HashMap<>()).put(p, member.memberId()));
    }

    void release(ConsumerMember member, PartitionSet partitions) {
        partitions.forEach((t, p) -> {
            Map<Integer, String> byPartition = holders.get(t);
            if (byPartition != null && member.memberId().equals(byPartition.get(p))) {
                byPartition.remove(p);
                if (byPartition.isEmpty()) {
                    holders.remove(t);
                }
            }
        });
    }

    /**
     * Moves a member towards its target assignment as far as it can go now.
     *
     * @param owned the partitions the member says it owns, or null when its request did not say
     */
    void reconcile(ConsumerMember member, PartitionSet owned) {
        if (member.state == MemberState.UNREVOKED_PARTITIONS) {
            if (owned == null || owned.intersects(member.pendingRevocation)) {
                return;
            }
            release(member, member.pendingRevocation);
            member.pendingRevocation = PartitionSet.EMPTY;
            member.state = MemberState.STABLE;
        }
        PartitionSet goal = targetOf(member.memberId());
        if (member.memberEpoch != assignmentEpoch) {
            PartitionSet revoke = member.assigned.minus(goal);
            if (!revoke.isEmpty()) {
                member.assign(member.assigned.intersect(goal));
                member.pendingRevocation = revoke;
                member.state = MemberState.UNREVOKED_PARTITIONS;
                return;
            }
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = assignmentEpoch;
        }
        PartitionSet free = goal.minus(member.assigned).filter((t, p) -> holder(t, p) == null);
        if (!free.isEmpty()) {
            member.assign(member.assigned.union(free));
            hold(member, free);
        }
        member.state = member.assigned.containsAll(goal) ? MemberState.STABLE : MemberState.UNRELEASED_PARTITIONS;
    }

    /** Whether some partition of the member's target is still held by another member. */
    boolean waitsForPartitions(ConsumerMember member) {
        PartitionSet missing = targetOf(member.memberId()).minus(member.assigned);
        return !missing.filter((t, p) -> {
            String holder = holder(t, p);
            return holder != null && !holder.equals(member.memberId());
        }).isEmpty();
    }

    /** Whether every member speaks the classic protocol and they have an assignor protocol in common. */
    public boolean classicWithCommonProtocol() {
        if (members.isEmpty() || members.values().stream().anyMatch(m -> m.classic == null)) {
            return false;
        }
        return members.values().iterator().next().classic.protocols().keySet().stream().anyMatch(
                name -> members.values().stream().allMatch(m -> m.classic.protocols().containsKey(name)));
    }

    /** Adds a member, which holds nothing yet. */
    void add(ConsumerMember member) {
        members.put(member.memberId(), member);
        if (member.instanceId() != null) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
    }

    /** Removes a member and frees what it held. */
    void remove(ConsumerMember member) {
        members.remove(member.memberId());
        if (member.instanceId() != null) {
            staticMembers.remove(member.instanceId(), member.memberId());
        }
        release(member, member.held());
        target.remove(member.memberId());
    }
}
