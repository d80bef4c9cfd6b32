package io.ledgerstream.log.group.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members of the classic protocol in consumer groups, as Kafka 4 has them: a classic group with members becomes a
 * consumer group when a member of the consumer protocol joins ({@link #adopt}), and goes back when the last such
 * member leaves ({@link #release}). Meanwhile its classic members stay, served from the server-side assignment:
 * JoinGroup updates a member's subscription and moves it towards its target (its generation is its member epoch),
 * SyncGroup hands it its assignment, and Heartbeat answers REBALANCE_IN_PROGRESS when it must join again to revoke
 * or to take partitions.
 *
 * <p>Not thread-safe: used only on the group coordinator's thread, through its {@link ConsumerGroupManager}.
 */
public final class ClassicProtocolMembers {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicProtocolMembers.class);

    private final ConsumerGroupManager manager;

    ClassicProtocolMembers(ConsumerGroupManager manager) {
        this.manager = manager;
    }

    /** A JoinGroup of the classic protocol, as a consumer group reads it. */
    public record Join(String groupId, String memberId, String instanceId, String clientId, String clientHost,
                       int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                       Map<String, byte[]> protocols, boolean requireKnownMemberId) {
    }

    /**
     * The answer to a JoinGroup: MEMBER_ID_REQUIRED with the id to join with, or NONE with the member's generation
     * (its member epoch) and the protocol to sync with.
     */
    public record Joined(Errors error, String memberId, int generation, String protocolName) {
    }

    /**
     * Whether a classic group may become a consumer group now, with these members of the consumer protocol
     * embedded in the classic one ({@code protocolType}).
     */
    public boolean mayAdopt(String protocolType, int members) {
        return manager.config.migration().upgrades() && ClassicProtocol.TYPE.equals(protocolType)
                && members < manager.config.maxSize();
    }

    /**
     * Turns a classic group with members into a consumer group: each member keeps its subscription and its last
     * assignment, in member epoch {@code generation}; the group's epoch and target are that generation and those
     * assignments. A member that still owns partitions its assignment no longer has (a cooperative member between
     * its assignment and its next join) holds them until it revokes them, unless another member was given them.
     *
     * @throws GroupIdNotFoundException if a member's subscription or assignment is not the consumer protocol's
     */
    public void adopt(String groupId, int generation, List<ClassicMember> members) {
        List<ConsumerMember> adopted = new ArrayList<>();
        List<PartitionSet> owned = new ArrayList<>();
        for (ClassicMember m : members) {
            ClassicProtocol.Subscription subscription;
            List<TopicPartition> assignment;
            try {
                subscription = ClassicProtocol.subscription(groupId, m.metadata().protocols());
                assignment = ClassicProtocol.assignment(groupId, m.assignment());
            } catch (InconsistentGroupProtocolException e) {
                throw new GroupIdNotFoundException("Cannot upgrade classic group " + groupId
                        + " to a consumer group: " + e.getMessage());
            }
            ConsumerMember member = new ConsumerMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost());
            member.classic = m.metadata();
            member.rebalanceTimeoutMs = m.rebalanceTimeoutMs();
            member.subscribedTopicNames = subscription.topics();
            member.rackId = subscription.rackId();
            member.memberEpoch = generation;
            member.previousMemberEpoch = generation;
            member.assign(partitions(assignment));
            member.sent = member.assigned;
            adopted.add(member);
            owned.add(partitions(subscription.owned()));
        }
        ConsumerGroup group = new ConsumerGroup(groupId);
        group.groupEpoch = generation;
        group.assignmentEpoch = generation;
        for (ConsumerMember member : adopted) {
            group.add(member);
            group.hold(member, member.assigned);
            group.target.put(member.memberId(), member.assigned);
        }
        for (int i = 0; i < adopted.size(); i++) {
            ConsumerMember member = adopted.get(i);
            PartitionSet stillOwned = owned.get(i).minus(member.assigned).filter((t, p) -> group.holder(t, p) == null);
            if (!stillOwned.isEmpty()) {
                member.pendingRevocation = stillOwned;
                member.state = MemberState.UNREVOKED_PARTITIONS;
                group.hold(member, stillOwned);
                manager.armRevocation(group, member);
            }
        }
        group.subscribedTopics = manager.subscribedTopics(group);
        manager.groups.put(groupId, group);
        adopted.forEach(member -> manager.armSession(group, member));
        LOG.info("Classic group {} became a consumer group in epoch {} with {} member(s) of the classic protocol",
                groupId, generation, adopted.size());
    }

    /**
     * Takes a consumer group whose members all speak the classic protocol out of the consumer groups, for the
     * classic group it becomes: its members with their assignments, its epoch the generation to go on from.
     */
    public List<ClassicMember> release(ConsumerGroup group) {
        manager.groups.remove(group.groupId(), group);
        List<ClassicMember> members = new ArrayList<>();
        for (ConsumerMember m : group.members.values()) {
            ConsumerGroupManager.cancelTimers(m);
            members.add(new ClassicMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs, m.classic, m.memberEpoch, ClassicProtocol.assignment(m.assigned,
                    group.subscribedTopics, m.classic)));
        }
        return members;
    }

    /** A JoinGroup to a consumer group: the member joins or rejoins, its owned partitions telling what it revoked. */
    public Joined join(Join request) {
        ConsumerGroup group = manager.groups.get(request.groupId());
        if (!ClassicProtocol.TYPE.equals(request.protocolType())) {
            throw new InconsistentGroupProtocolException("Group " + request.groupId() + " is a consumer group; a "
                    + "member of the classic protocol joins it with protocol type consumer, not '"
                    + request.protocolType() + "'");
        }
        if (request.protocols().isEmpty()) {
            throw new InconsistentGroupProtocolException("The JoinGroup for group " + request.groupId()
                    + " names no assignor protocol");
        }
        ClassicProtocol.Subscription subscription = ClassicProtocol.subscription(request.groupId(),
                request.protocols());
        boolean unknown = request.memberId().isEmpty();
        String memberId = unknown ? Uuid.randomUuid().toString() : request.memberId();
        if (unknown && request.instanceId() == null && request.requireKnownMemberId()) {
            return new Joined(Errors.MEMBER_ID_REQUIRED, memberId, -1, null);
        }
        boolean changed = false;
        ConsumerMember member = group.members.get(memberId);
        String staticId = request.instanceId() == null ? null : group.staticMembers.get(request.instanceId());
        checkCommonProtocol(group, request, staticId == null ? memberId : staticId);
        ConsumerMember replaced = null;
        if (staticId != null && !staticId.equals(memberId)) {
            ConsumerMember previous = group.members.get(staticId);
            if (!unknown && previous.memberEpoch != Heartbeat.STATIC_LEAVE_EPOCH) {
                throw new FencedInstanceIdException("Static member " + request.instanceId() + " of group "
                        + group.groupId() + " is " + staticId + ", not " + memberId);
            }
            // A static member restarted: the new incarnation takes the old one's place and partitions, and
            // rebalances only if it subscribes to something else.
            member = new ConsumerMember(memberId, request.instanceId(), request.clientId(), request.clientHost());
            member.subscribedTopicNames = previous.subscribedTopicNames;
            member.rackId = previous.rackId;
            manager.takeOver(group, previous, member);
            replaced = previous;
        } else if (member == null) {
            manager.checkRoom(group);
            member = new ConsumerMember(memberId, request.instanceId(), request.clientId(), request.clientHost());
            group.add(member);
            changed = true;
        } else if (member.classic == null) {
            throw new UnknownMemberIdException("Member " + memberId + " of group " + group.groupId()
                    + " speaks the consumer protocol; it cannot join with JoinGroup");
        }
        changed |= !member.subscribedTopicNames.equals(subscription.topics())
                || !Objects.equals(member.rackId, subscription.rackId()) || member.serverAssignor != null;
        member.subscribedTopicNames = subscription.topics();
        member.rackId = subscription.rackId();
        member.serverAssignor = null;
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.classic = new ClassicMetadata(request.sessionTimeoutMs(), request.protocols());
        if (replaced != null && replaced.classic == null
                && manager.maybeDowngrade(group, "static member " + request.instanceId() + " came back speaking the "
                        + "classic protocol")) {
            // The caller joins it to the classic group this group now is.
            return new Joined(Errors.NONE, memberId, member.memberEpoch, member.classic.firstProtocol());
        }
        PartitionSet owned = partitions(subscription.owned());
        manager.advance(group, member, changed, owned);
        if (member.state == MemberState.UNREVOKED_PARTITIONS && !owned.intersects(member.pendingRevocation)) {
            // It already gave up what it must revoke (an eager assignor revokes everything before joining).
            manager.advance(group, member, false, owned);
        }
        return new Joined(Errors.NONE, memberId, member.memberEpoch, member.classic.firstProtocol());
    }

    /** A SyncGroup: the member's assignment now, without what it must revoke. */
    public byte[] sync(String groupId, String memberId, String instanceId, int generation, String protocolType,
                       String protocolName) {
        ConsumerGroup group = manager.groups.get(groupId);
        ConsumerMember member = member(group, memberId, instanceId);
        checkGeneration(group, member, generation);
        if (protocolType != null && !ClassicProtocol.TYPE.equals(protocolType)
                || protocolName != null && !member.classic.protocols().containsKey(protocolName)) {
            throw new InconsistentGroupProtocolException("Member " + memberId + " of group " + groupId
                    + " synced with protocol " + protocolType + "/" + protocolName + ", which it did not join with");
        }
        if (group.groupEpoch > member.memberEpoch && member.state != MemberState.UNREVOKED_PARTITIONS) {
            throw new RebalanceInProgressException("Group " + groupId + " moved to epoch " + group.groupEpoch
                    + "; member " + memberId + " must join again");
        }
        manager.armSession(group, member);
        return ClassicProtocol.assignment(member.assigned, group.subscribedTopics, member.classic);
    }

    /**
     * A Heartbeat: NONE, or REBALANCE_IN_PROGRESS when the member must join again: the group moved to a new epoch,
     * it has partitions to revoke, or partitions it waited for are free.
     */
    public Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
        ConsumerGroup group = manager.groups.get(groupId);
        ConsumerMember member = member(group, memberId, instanceId);
        checkGeneration(group, member, generation);
        manager.armSession(group, member);
        boolean rejoin = member.memberEpoch < group.groupEpoch
                || member.state == MemberState.UNREVOKED_PARTITIONS
                || member.state == MemberState.UNRELEASED_PARTITIONS && !group.waitsForPartitions(member);
        return rejoin ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /** A LeaveGroup naming a member by id, or by instance id when the member id is empty. */
    public Errors leave(String groupId, String memberId, String instanceId) {
        ConsumerGroup group = manager.groups.get(groupId);
        try {
            ConsumerMember member = instanceId != null && memberId.isEmpty()
                    ? member(group, Optional.ofNullable(group.staticMembers.get(instanceId)).orElse(""), null)
                    : member(group, memberId, instanceId);
            manager.removeMember(group, member, "left (LeaveGroup)", false);
            return Errors.NONE;
        } catch (UnknownMemberIdException | FencedInstanceIdException e) {
            return Errors.forException(e);
        }
    }

    /**
     * Refuses a member whose assignor protocols have none in common with the other classic members', as a classic
     * group would: the group could not turn classic again otherwise.
     */
    private static void checkCommonProtocol(ConsumerGroup group, Join request, String self) {
        boolean common = request.protocols().keySet().stream().anyMatch(name -> group.members.values().stream()
                .filter(m -> m.classic != null && !m.memberId().equals(self))
                .allMatch(m -> m.classic.protocols().containsKey(name)));
        if (!common) {
            throw new InconsistentGroupProtocolException("Member " + request.memberId() + " of group "
                    + group.groupId() + " joins with assignors " + request.protocols().keySet()
                    + ", none of which every other classic member of the group supports");
        }
    }

    /** The member of the classic protocol a request names, checked against its instance id. */
    private ConsumerMember member(ConsumerGroup group, String memberId, String instanceId) {
        ConsumerMember member = group.members.get(memberId);
        if (member != null && instanceId != null && !instanceId.equals(member.instanceId())
                || member == null && instanceId != null && group.staticMembers.containsKey(instanceId)) {
            throw new FencedInstanceIdException("Static member " + instanceId + " of group " + group.groupId()
                    + " is " + group.staticMembers.get(instanceId) + ", not " + memberId);
        }
        if (member == null || member.classic == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not a member of the classic protocol "
                    + "in group " + group.groupId());
        }
        return member;
    }

    private static void checkGeneration(ConsumerGroup group, ConsumerMember member, int generation) {
        if (generation != member.memberEpoch) {
            throw new IllegalGenerationException("Member " + member.memberId() + " of group " + group.groupId()
                    + " sent generation " + generation + "; its generation is " + member.memberEpoch);
        }
    }

    /** Named partitions by topic id; partitions of topics that do not exist (any more) are left out. */
    private PartitionSet partitions(List<TopicPartition> named) {
        PartitionSet.Builder builder = PartitionSet.builder();
        for (TopicPartition tp : named) {
            manager.topics.topic(tp.topic()).filter(t -> tp.partition() < t.partitions())
                    .ifPresent(t -> builder.add(t.id(), tp.partition()));
        }
        return builder.build();
    }
}
