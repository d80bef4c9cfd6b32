package io.ledgerstream.log.group;

import io.ledgerstream.log.group.GroupCoordinator.JoinRequest;
import io.ledgerstream.log.metrics.GroupMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership and rebalancing of the classic groups of one partition of {@code __consumer_offsets}: members join, the
 * coordinator picks a leader and hands it every member's subscription, the leader's assignor computes the assignment
 * and the coordinator relays it on SyncGroup. Sessions expire members that stop heartbeating; a join, leave or
 * expiry starts a rebalance.
 *
 * <p>Not thread-safe: confined to the group coordinator's thread, which also runs its timers.
 */
final class ClassicGroupManager {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupManager.class);

    private final ScheduledExecutorService thread;
    private final long initialRebalanceDelayMs;
    private final Map<String, ClassicGroup> groups = new LinkedHashMap<>();
    private final GroupMetrics metrics;

    /**
     * @param thread                  the coordinator's thread, for session and join timers
     * @param initialRebalanceDelayMs how long a new group waits for more members before its first rebalance
     * @param metrics                 counts the rebalances completed (new generations with members)
     */
    ClassicGroupManager(ScheduledExecutorService thread, long initialRebalanceDelayMs, GroupMetrics metrics) {
        this.thread = thread;
        this.initialRebalanceDelayMs = initialRebalanceDelayMs;
        this.metrics = metrics;
    }

    /** Groups known here, with or without members. */
    int groupCount() {
        return groups.size();
    }

    /** Members of all groups here. */
    int memberCount() {
        int members = 0;
        for (ClassicGroup group : groups.values()) {
            members += group.members.size();
        }
        return members;
    }

    /** Makes a group known (with no members) if it is not: a group with committed offsets exists. */
    void ensureGroup(String groupId) {
        groups.computeIfAbsent(groupId, ClassicGroup::new);
    }

    /**
     * Checks an offset commit against the group's membership; a group that is not known yet becomes known.
     *
     * @return NONE, or the error the commit is refused with
     */
    Errors validateCommit(String groupId, int generation, String memberId) {
        ClassicGroup group = groups.computeIfAbsent(groupId, ClassicGroup::new);
        if (generation < 0 && memberId.isEmpty()) {
            // A consumer that assigns its own partitions and commits through the group (Flink's KafkaSource).
            return group.members.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        }
        GroupMember member = group.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != member.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        // As Kafka: a member still in its generation commits while the others join (an eager assignor's member
        // commits as it gives its partitions up), but not between the join and its new assignment.
        return group.state == ClassicGroup.State.COMPLETING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /**
     * Checks a transactional offset commit (TxnOffsetCommit) as Kafka does: without a generation it is accepted
     * (a group not known yet becomes known); with one, the member and generation must match; a rebalance under way
     * does not refuse it.
     *
     * @return NONE, or the error the commit is refused with
     */
    Errors validateTransactionalCommit(String groupId, int generation, String memberId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            if (generation >= 0) {
                return Errors.ILLEGAL_GENERATION;
            }
            ensureGroup(groupId);
            return Errors.NONE;
        }
        if (generation < 0 && memberId.isEmpty()) {
            return Errors.NONE;
        }
        GroupMember member = group.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return generation != member.generation ? Errors.ILLEGAL_GENERATION : Errors.NONE;
    }

    /**
     * Whether the group has members, for a deletion of its offsets (while it has, it is treated as subscribed to
     * every topic: subscriptions are opaque to the coordinator).
     *
     * @throws GroupIdNotFoundException if the group is not known
     */
    boolean hasMembers(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            throw new GroupIdNotFoundException("Group " + groupId + " does not exist");
        }
        return !group.members.isEmpty();
    }

    /**
     * Deletes a group if it has no members.
     *
     * @return NONE when deleted, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP
     */
    Errors delete(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (!group.members.isEmpty()) {
            return Errors.NON_EMPTY_GROUP;
        }
        cancel(group.joinDeadline);
        groups.remove(groupId);
        return Errors.NONE;
    }

    /** The group, or null when it is not known here. */
    ClassicGroup get(String groupId) {
        return groups.get(groupId);
    }

    /** Whether the group is known here (it has members or committed offsets). */
    boolean exists(String groupId) {
        return groups.containsKey(groupId);
    }

    /** Forgets a group without members, which becomes a consumer group; its offsets stay. */
    void forgetEmpty(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group != null && group.members.isEmpty()) {
            cancel(group.joinDeadline);
            groups.remove(groupId);
        }
    }

    /**
     * Takes a group with members out of the classic groups, for the consumer group it becomes: members waiting for
     * a join or a sync are told REBALANCE_IN_PROGRESS and join again, as members of the consumer group.
     */
    ClassicGroup take(String groupId) {
        ClassicGroup group = groups.remove(groupId);
        cancel(group.joinDeadline);
        group.pendingMemberIds.values().forEach(ClassicGroupManager::cancel);
        for (GroupMember member : group.members.values()) {
            cancel(member.sessionExpiry);
            if (member.pendingJoin != null) {
                member.pendingJoin.complete(JoinResult.error(Errors.REBALANCE_IN_PROGRESS, member.memberId));
            }
            if (member.pendingSync != null) {
                member.pendingSync.complete(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
            }
        }
        return group;
    }

    /**
     * Makes a classic group of members that come from a consumer group, each with its assignment and its member
     * epoch as its generation, in {@code generation}; it rebalances at once, so its members join again and their
     * leader assigns (meanwhile they heartbeat and commit in the generations they know).
     */
    void adopt(String groupId, int generation, String protocolType, List<GroupMember> members) {
        ClassicGroup group = new ClassicGroup(groupId);
        group.generation = generation;
        group.protocolType = protocolType;
        members.forEach(m -> group.members.put(m.memberId, m));
        group.protocolName = group.commonProtocol();
        group.leaderId = members.get(0).memberId;
        group.state = ClassicGroup.State.STABLE;
        groups.put(groupId, group);
        members.forEach(m -> armSession(group, m));
        prepareRebalance(group);
    }

    /** Forgets every group: members waiting for a join or a sync get NOT_COORDINATOR and find the new coordinator. */
    void unload() {
        for (ClassicGroup group : groups.values()) {
            cancel(group.joinDeadline);
            group.pendingMemberIds.values().forEach(ClassicGroupManager::cancel);
            for (GroupMember member : group.members.values()) {
                cancel(member.sessionExpiry);
                if (member.pendingJoin != null) {
                    member.pendingJoin.complete(JoinResult.error(Errors.NOT_COORDINATOR, member.memberId));
                }
                if (member.pendingSync != null) {
                    member.pendingSync.complete(SyncResult.error(Errors.NOT_COORDINATOR));
                }
            }
        }
        groups.clear();
    }

    /** A JoinGroup: completes when the join phase ends (or at once with an error). */
    CompletableFuture<JoinResult> join(JoinRequest r) {
        ClassicGroup group = groups.computeIfAbsent(r.groupId(), ClassicGroup::new);
        if (!group.members.isEmpty() && group.protocolType != null && !group.protocolType.equals(r.protocolType())) {
            return done(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId()));
        }
        GroupMember member;
        if (r.memberId().isEmpty()) {
            String newId = (r.clientId().isEmpty() ? "member" : r.clientId()) + "-" + UUID.randomUUID();
            if (r.groupInstanceId() != null) {
                GroupMember previous = group.memberByInstanceId(r.groupInstanceId());
                if (previous != null && group.state == ClassicGroup.State.STABLE
                        && keepsSelectedProtocol(group, previous, r.protocols())
                        && (r.skipAssignmentSupported() || !previous.memberId.equals(group.leaderId))) {
                    return done(replaceStaticMember(group, previous, newId, r));
                }
                if (previous != null) {
                    // A static member restarted: the new incarnation replaces (and fences) the old one.
                    removeMember(group, previous, Errors.FENCED_INSTANCE_ID);
                }
            } else if (r.requireKnownMemberId()) {
                group.pendingMemberIds.put(newId, thread.schedule(() -> {
                    if (group.pendingMemberIds.remove(newId) != null) {
                        maybeCompleteJoin(group);
                    }
                }, Math.max(1, r.sessionTimeoutMs()), TimeUnit.MILLISECONDS));
                return done(JoinResult.error(Errors.MEMBER_ID_REQUIRED, newId));
            }
            member = new GroupMember(newId, r.groupInstanceId(), r.clientId(), r.clientHost());
            group.members.put(newId, member);
        } else {
            member = group.members.get(r.memberId());
            if (member == null) {
                Future<?> expiry = group.pendingMemberIds.remove(r.memberId());
                if (expiry == null) {
                    return done(JoinResult.error(Errors.UNKNOWN_MEMBER_ID, r.memberId()));
                }
                cancel(expiry);
                member = new GroupMember(r.memberId(), r.groupInstanceId(), r.clientId(), r.clientHost());
                group.members.put(r.memberId(), member);
            }
        }
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        member.protocols = new LinkedHashMap<>(r.protocols());
        if (group.commonProtocol() == null) {
            group.members.remove(member.memberId);
            return done(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, member.memberId));
        }
        group.protocolType = r.protocolType();
        if (member.pendingJoin != null) {
            member.pendingJoin.complete(JoinResult.error(Errors.UNKNOWN_MEMBER_ID, member.memberId));
        }
        member.pendingJoin = new CompletableFuture<>();
        CompletableFuture<JoinResult> joined = member.pendingJoin;
        armSession(group, member);
        if (group.state != ClassicGroup.State.PREPARING_REBALANCE) {
            prepareRebalance(group);
        }
        maybeCompleteJoin(group);
        return joined;
    }

    /**
     * A static member restarted while its group is stable and asks for what it asked before: it takes over the old
     * member's place and assignment under a new member id, and the group does not rebalance. A leader is told to
     * skip the assignment (JoinGroup v9), so it does not compute a new one.
     */
    private JoinResult replaceStaticMember(ClassicGroup group, GroupMember previous, String newId, JoinRequest r) {
        GroupMember member = new GroupMember(newId, r.groupInstanceId(), r.clientId(), r.clientHost());
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        member.protocols = new LinkedHashMap<>(r.protocols());
        member.assignment = previous.assignment;
        member.generation = group.generation;
        boolean leader = previous.memberId.equals(group.leaderId);
        removeMember(group, previous, Errors.FENCED_INSTANCE_ID);
        group.members.put(newId, member);
        armSession(group, member);
        if (leader) {
            group.leaderId = newId;
        }
        LOG.info("Static member {} of group {} rejoined as {} without a rebalance", r.groupInstanceId(),
                group.groupId, newId);
        return new JoinResult(Errors.NONE, group.generation, group.protocolType, group.protocolName, group.leaderId,
                newId, leader ? membersForLeader(group) : List.of(), leader);
    }

    /**
     * Whether the group would still choose its current protocol with this member's new protocols in place of its
     * old ones. The metadata itself may differ (a restarted consumer no longer owns partitions); as in Kafka, only a
     * change of the selected protocol needs a rebalance.
     */
    private static boolean keepsSelectedProtocol(ClassicGroup group, GroupMember previous,
                                                 Map<String, byte[]> protocols) {
        if (group.protocolName == null || !protocols.containsKey(group.protocolName)) {
            return false;
        }
        Map<String, byte[]> old = previous.protocols;
        previous.protocols = protocols;
        try {
            return group.protocolName.equals(group.commonProtocol());
        } finally {
            previous.protocols = old;
        }
    }

    private static List<JoinResult.Member> membersForLeader(ClassicGroup group) {
        List<JoinResult.Member> all = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            all.add(new JoinResult.Member(m.memberId, m.groupInstanceId, m.protocols.get(group.protocolName)));
        }
        return all;
    }

    private void prepareRebalance(ClassicGroup group) {
        if (group.state == ClassicGroup.State.COMPLETING_REBALANCE) {
            for (GroupMember m : group.members.values()) {
                if (m.pendingSync != null) {
                    m.pendingSync.complete(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
                    m.pendingSync = null;
                }
            }
        }
        boolean newGroup = group.state == ClassicGroup.State.EMPTY && group.generation == 0;
        group.state = ClassicGroup.State.PREPARING_REBALANCE;
        cancel(group.joinDeadline);
        group.initialDelay = newGroup && initialRebalanceDelayMs > 0;
        long delay = group.initialDelay ? initialRebalanceDelayMs : group.rebalanceTimeoutMs();
        group.joinDeadline = thread.schedule(() -> {
            group.initialDelay = false;
            completeJoin(group);
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        if (group.state == ClassicGroup.State.PREPARING_REBALANCE && !group.initialDelay && group.allMembersJoined()) {
            cancel(group.joinDeadline);
            completeJoin(group);
        }
    }

    /** Ends the join phase: members that did not rejoin leave, a new generation starts, the leader gets the members. */
    private void completeJoin(ClassicGroup group) {
        if (group.state != ClassicGroup.State.PREPARING_REBALANCE) {
            return;
        }
        for (GroupMember m : new ArrayList<>(group.members.values())) {
            if (m.pendingJoin == null) {
                removeMember(group, m, Errors.UNKNOWN_MEMBER_ID);
            }
        }
        group.generation++;
        if (group.members.isEmpty()) {
            group.state = ClassicGroup.State.EMPTY;
            group.leaderId = null;
            group.protocolName = null;
            return;
        }
        group.protocolName = group.commonProtocol();
        if (group.leaderId == null || !group.members.containsKey(group.leaderId)) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.state = ClassicGroup.State.COMPLETING_REBALANCE;
        metrics.rebalanced(GroupMetrics.CLASSIC);
        List<JoinResult.Member> all = membersForLeader(group);
        for (GroupMember m : group.members.values()) {
            m.generation = group.generation;
            boolean leader = m.memberId.equals(group.leaderId);
            m.pendingJoin.complete(new JoinResult(Errors.NONE, group.generation, group.protocolType,
                    group.protocolName, group.leaderId, m.memberId, leader ? all : List.of(), false));
            m.pendingJoin = null;
            armSession(group, m);
        }
        LOG.info("Group {} generation {}: {} member(s), leader {}", group.groupId, group.generation,
                group.members.size(), group.leaderId);
    }

    /** A SyncGroup: the leader's brings the assignment; every member's completes once it is there. */
    CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId, Map<String, byte[]> assignments) {
        ClassicGroup group = groups.get(groupId);
        GroupMember member = group == null ? null : group.members.get(memberId);
        if (member == null) {
            return done(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
        }
        if (generation != member.generation) {
            return done(SyncResult.error(Errors.ILLEGAL_GENERATION));
        }
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                return done(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
            }
            case STABLE -> {
                return done(new SyncResult(Errors.NONE, group.protocolType, group.protocolName, member.assignment));
            }
            default -> {
                member.pendingSync = new CompletableFuture<>();
                CompletableFuture<SyncResult> synced = member.pendingSync;
                if (memberId.equals(group.leaderId)) {
                    for (GroupMember m : group.members.values()) {
                        m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
                    }
                    group.state = ClassicGroup.State.STABLE;
                    for (GroupMember m : group.members.values()) {
                        if (m.pendingSync != null) {
                            m.pendingSync.complete(new SyncResult(Errors.NONE, group.protocolType,
                                    group.protocolName, m.assignment));
                            m.pendingSync = null;
                        }
                    }
                }
                return synced;
            }
        }
    }

    /** A Heartbeat; {@code groupInstanceId} is null for dynamic members. */
    CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId, int generation) {
        ClassicGroup group = groups.get(groupId);
        GroupMember member = group == null ? null : group.members.get(memberId);
        if (member == null) {
            // An old incarnation of a static member that a newer one replaced is told it was fenced.
            boolean replaced = group != null && groupInstanceId != null
                    && group.memberByInstanceId(groupInstanceId) != null;
            return done(replaced ? Errors.FENCED_INSTANCE_ID : Errors.UNKNOWN_MEMBER_ID);
        }
        armSession(group, member);
        if (generation != member.generation) {
            return done(Errors.ILLEGAL_GENERATION);
        }
        return done(group.state == ClassicGroup.State.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS
                : Errors.NONE);
    }

    /** Removes members (by member id, or by instance id when the member id is empty). */
    CompletableFuture<List<Errors>> leave(String groupId, List<String[]> memberAndInstanceIds) {
        ClassicGroup group = groups.get(groupId);
        List<Errors> results = new ArrayList<>();
        for (String[] ids : memberAndInstanceIds) {
            GroupMember member = group == null ? null
                    : !ids[0].isEmpty() ? group.members.get(ids[0])
                    : ids[1] != null ? group.memberByInstanceId(ids[1]) : null;
            if (member == null) {
                results.add(Errors.UNKNOWN_MEMBER_ID);
                continue;
            }
            removeMember(group, member, Errors.UNKNOWN_MEMBER_ID);
            results.add(Errors.NONE);
        }
        if (group != null) {
            membershipChanged(group);
        }
        return done(results);
    }

    /** A group as DescribeGroups shows it: state, protocol, members with their assignments; Dead if not known. */
    GroupSummary describe(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return new GroupSummary(groupId, Errors.NONE, "Dead", "", "", List.of(), GroupSummary.CLASSIC);
        }
        List<GroupSummary.MemberSummary> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new GroupSummary.MemberSummary(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    group.protocolName == null ? new byte[0] : m.protocols.getOrDefault(group.protocolName,
                            new byte[0]), m.assignment));
        }
        return new GroupSummary(groupId, Errors.NONE, group.stateName(),
                group.protocolType == null ? "" : group.protocolType,
                group.state == ClassicGroup.State.STABLE ? group.protocolName : "", members, GroupSummary.CLASSIC);
    }

    /** Every group known here, as ListGroups shows them (members left out). */
    List<GroupSummary> list() {
        List<GroupSummary> result = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            result.add(new GroupSummary(group.groupId, Errors.NONE, group.stateName(),
                    group.protocolType == null ? "" : group.protocolType, "", List.of(), GroupSummary.CLASSIC));
        }
        return result;
    }

    private void removeMember(ClassicGroup group, GroupMember member, Errors pendingError) {
        group.members.remove(member.memberId);
        cancel(member.sessionExpiry);
        if (member.pendingJoin != null) {
            member.pendingJoin.complete(JoinResult.error(pendingError, member.memberId));
        }
        if (member.pendingSync != null) {
            member.pendingSync.complete(SyncResult.error(pendingError));
        }
        if (member.memberId.equals(group.leaderId)) {
            group.leaderId = null;
        }
    }

    private void membershipChanged(ClassicGroup group) {
        if (group.state == ClassicGroup.State.PREPARING_REBALANCE) {
            maybeCompleteJoin(group);
        } else if (group.members.isEmpty()) {
            cancel(group.joinDeadline);
            group.state = ClassicGroup.State.EMPTY;
            group.generation++;
            group.leaderId = null;
            group.protocolName = null;
        } else if (group.state != ClassicGroup.State.EMPTY) {
            prepareRebalance(group);
        }
    }

    private void armSession(ClassicGroup group, GroupMember member) {
        cancel(member.sessionExpiry);
        member.sessionExpiry = thread.schedule(() -> {
            if (group.members.get(member.memberId) == member) {
                LOG.info("Member {} of group {} missed its session timeout; removing it", member.memberId,
                        group.groupId);
                removeMember(group, member, Errors.UNKNOWN_MEMBER_ID);
                membershipChanged(group);
            }
        }, Math.max(1, member.pendingJoin != null ? Math.max(member.sessionTimeoutMs, member.rebalanceTimeoutMs)
                : member.sessionTimeoutMs), TimeUnit.MILLISECONDS);
    }

    private static void cancel(Future<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
