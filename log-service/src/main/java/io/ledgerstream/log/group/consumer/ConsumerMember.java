package io.ledgerstream.log.group.consumer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.common.Uuid;

/**
 * A member of a consumer group: who it is, what it subscribes to, its epoch and the partitions it has been given,
 * with those it still has to revoke.
 *
 * <p>Not thread-safe: used only on the group coordinator's thread.
 */
public final class ConsumerMember {
    private final String memberId;
    private final String instanceId;
    private final String clientId;
    private final String clientHost;
    String rackId;
    int rebalanceTimeoutMs;
    List<String> subscribedTopicNames = List.of();
    String subscribedTopicRegex;
    /** {@link #subscribedTopicRegex} compiled, or null. */
    com.google.re2j.Pattern subscribedPattern;
    /** The topics the member's principal may describe, as of its last heartbeat: its pattern matches no other. */
    java.util.function.Predicate<String> describable = topic -> true;
    String serverAssignor;
    int memberEpoch;
    int previousMemberEpoch = -1;
    MemberState state = MemberState.STABLE;
    PartitionSet assigned = PartitionSet.EMPTY;
    PartitionSet pendingRevocation = PartitionSet.EMPTY;
    /** The assignment the member was last sent, so a response carries one only when it changed. */
    PartitionSet sent;
    /** The member epoch in which each assigned partition was given to the member, by topic id and partition. */
    Map<Uuid, Map<Integer, Integer>> assignedEpochs = new HashMap<>();
    Future<?> sessionTimer;
    Future<?> revocationTimer;
    /** For a member of the classic protocol, what its last JoinGroup gave; null for a member of the consumer one. */
    ClassicMetadata classic;

    ConsumerMember(String memberId, String instanceId, String clientId, String clientHost) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
    }

    public String memberId() {
        return memberId;
    }

    /** The static member's instance id ({@code group.instance.id}), or null. */
    public String instanceId() {
        return instanceId;
    }

    public String clientId() {
        return clientId;
    }

    public String clientHost() {
        return clientHost;
    }

    public String rackId() {
        return rackId;
    }

    public List<String> subscribedTopicNames() {
        return subscribedTopicNames;
    }

    public String subscribedTopicRegex() {
        return subscribedTopicRegex;
    }

    public int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    /** What the member gave in its last JoinGroup if it speaks the classic protocol; null if it speaks KIP-848's. */
    public ClassicMetadata classic() {
        return classic;
    }

    public int memberEpoch() {
        return memberEpoch;
    }

    public MemberState state() {
        return state;
    }

    /** The partitions the member may consume now. */
    public PartitionSet assigned() {
        return assigned;
    }

    /** Sets the member's assignment; partitions new to it are given in its current epoch. */
    void assign(PartitionSet partitions) {
        Map<Uuid, Map<Integer, Integer>> epochs = new HashMap<>();
        partitions.forEach((t, p) -> epochs.computeIfAbsent(t, x -> new HashMap<>()).put(p,
                assignedEpochs.getOrDefault(t, Map.of()).getOrDefault(p, memberEpoch)));
        assigned = partitions;
        assignedEpochs = epochs;
    }

    /** The epoch in which the member was given a partition it has now, or -1 when it does not have it. */
    int assignedEpoch(Uuid topic, int partition) {
        return assignedEpochs.getOrDefault(topic, Map.of()).getOrDefault(partition, -1);
    }

    /** Every partition the member still holds: those assigned and those it has yet to revoke. */
    PartitionSet held() {
        return assigned.union(pendingRevocation);
    }
}
