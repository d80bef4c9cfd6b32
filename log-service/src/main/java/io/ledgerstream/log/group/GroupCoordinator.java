package io.ledgerstream.log.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol's coordinator: members join, the coordinator picks a leader and hands it every
 * member's subscription, the leader's assignor computes the assignment and the coordinator relays it on
 * SyncGroup, so every client-side assignor (range, round-robin, sticky, cooperative-sticky) works. Sessions expire
 * members that stop heartbeating; a join, leave or expiry starts a rebalance. Committed offsets are kept per group.
 *
 * <p>All group state lives on one thread; every call hops onto it and returns a future. Committed offsets are
 * answered from memory and made durable through the {@link OffsetStore} before a commit is acknowledged; group
 * membership is not stored: after a broker restart members simply join again.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledgerstream-group-coordinator");
        t.setDaemon(true);
        return t;
    });
    private final long initialRebalanceDelayMs;
    private final Map<String, ClassicGroup> groups = new LinkedHashMap<>();
    /** Where commits become durable; null while inactive. */
    private OffsetStore store;
    private volatile Role role = Role.INACTIVE;
    /** Counts activations and deactivations, so a load that a later call overtook does not take effect. */
    private int activations;

    /** @param initialRebalanceDelayMs how long a new group waits for more members before its first rebalance */
    public GroupCoordinator(long initialRebalanceDelayMs) {
        this.initialRebalanceDelayMs = initialRebalanceDelayMs;
    }

    /** A JoinGroup request. */
    public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId,
                              String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                              Map<String, byte[]> protocols, boolean requireKnownMemberId,
                              boolean skipAssignmentSupported) {
    }

    private <T> CompletableFuture<T> onThread(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                work.get().whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Whether this broker coordinates groups: it leads the offsets partition and has loaded it. */
    private enum Role { INACTIVE, LOADING, ACTIVE }

    /**
     * Makes this broker the groups' coordinator: loads the offsets the store holds, then answers group requests
     * and makes every later commit durable in the store before it is acknowledged. Until the load is done, group
     * requests get COORDINATOR_LOAD_IN_PROGRESS. A {@link #deactivate} meanwhile wins.
     */
    public CompletableFuture<Void> activate(CompletableFuture<OffsetStore> opening) {
        return onThread(() -> {
            int attempt = ++activations;
            role = Role.LOADING;
            return opening.thenCompose(OffsetStore::replay).<Void>handleAsync((offsets, error) -> {
                if (attempt != activations || role != Role.LOADING) {
                    // A later activation or deactivation has taken over; leave it be.
                    return null;
                }
                if (error != null) {
                    LOG.warn("Could not load the committed offsets: {}", error.toString());
                    deactivate();
                    throw new java.util.concurrent.CompletionException(error);
                }
                offsets.forEach((group, committed) ->
                        groups.computeIfAbsent(group, ClassicGroup::new).offsets.putAll(committed));
                store = opening.join();
                role = Role.ACTIVE;
                LOG.info("Coordinating groups: loaded the committed offsets of {} group(s)", offsets.size());
                return null;
            }, thread);
        });
    }

    /**
     * Stops coordinating (the offsets partition moved to another broker): members waiting for a join or a sync
     * get NOT_COORDINATOR and find the new coordinator, every group is forgotten here.
     */
    public CompletableFuture<Void> deactivate() {
        return onThread(() -> {
            activations++;
            if (role != Role.INACTIVE) {
                LOG.info("No longer coordinating groups");
            }
            role = Role.INACTIVE;
            store = null;
            for (ClassicGroup group : groups.values()) {
                cancel(group.joinDeadline);
                group.pendingMemberIds.values().forEach(GroupCoordinator::cancel);
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
            return done(null);
        });
    }

    /** Whether group requests are answered here now. */
    public boolean isActive() {
        return role == Role.ACTIVE;
    }

    /** Runs group work on the coordinator's thread if this broker coordinates, else fails with the right error. */
    private <T> CompletableFuture<T> asCoordinator(Supplier<CompletableFuture<T>> work) {
        return onThread(() -> switch (role) {
            case ACTIVE -> work.get();
            case LOADING -> CompletableFuture.failedFuture(new CoordinatorLoadInProgressException(
                    "The committed offsets are being loaded"));
            case INACTIVE -> CompletableFuture.failedFuture(new NotCoordinatorException(
                    "This broker is not the group coordinator"));
        });
    }

    public CompletableFuture<JoinResult> join(JoinRequest request) {
        return asCoordinator(() -> doJoin(request));
    }

    private CompletableFuture<JoinResult> doJoin(JoinRequest r) {
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
        List<JoinResult.Member> all = membersForLeader(group);
        for (GroupMember m : group.members.values()) {
            boolean leader = m.memberId.equals(group.leaderId);
            m.pendingJoin.complete(new JoinResult(Errors.NONE, group.generation, group.protocolType,
                    group.protocolName, group.leaderId, m.memberId, leader ? all : List.of(), false));
            m.pendingJoin = null;
            armSession(group, m);
        }
        LOG.info("Group {} generation {}: {} member(s), leader {}", group.groupId, group.generation,
                group.members.size(), group.leaderId);
    }

    public CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId,
                                              Map<String, byte[]> assignments) {
        return asCoordinator(() -> {
            ClassicGroup group = groups.get(groupId);
            GroupMember member = group == null ? null : group.members.get(memberId);
            if (member == null) {
                return done(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
            }
            if (generation != group.generation) {
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
        });
    }

    /** A Heartbeat; {@code groupInstanceId} is null for dynamic members. */
    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId,
                                               int generation) {
        return asCoordinator(() -> {
            ClassicGroup group = groups.get(groupId);
            GroupMember member = group == null ? null : group.members.get(memberId);
            if (member == null) {
                // An old incarnation of a static member that a newer one replaced is told it was fenced.
                boolean replaced = group != null && groupInstanceId != null
                        && group.memberByInstanceId(groupInstanceId) != null;
                return done(replaced ? Errors.FENCED_INSTANCE_ID : Errors.UNKNOWN_MEMBER_ID);
            }
            armSession(group, member);
            if (generation != group.generation) {
                return done(Errors.ILLEGAL_GENERATION);
            }
            return done(group.state == ClassicGroup.State.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS
                    : Errors.NONE);
        });
    }

    /** Removes members (by member id, or by instance id when the member id is empty). */
    public CompletableFuture<List<Errors>> leave(String groupId, List<String[]> memberAndInstanceIds) {
        return asCoordinator(() -> {
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
        });
    }

    public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generation, String memberId,
                                                                 Map<TopicPartition, CommittedOffset> offsets) {
        return asCoordinator(() -> {
            ClassicGroup group = groups.computeIfAbsent(groupId, ClassicGroup::new);
            Errors error = Errors.NONE;
            if (generation < 0 && memberId.isEmpty()) {
                // A consumer that assigns its own partitions and commits through the group (Flink's KafkaSource).
                if (!group.members.isEmpty()) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                }
            } else if (!group.members.containsKey(memberId)) {
                error = Errors.UNKNOWN_MEMBER_ID;
            } else if (generation != group.generation) {
                error = Errors.ILLEGAL_GENERATION;
            } else if (group.state == ClassicGroup.State.PREPARING_REBALANCE) {
                error = Errors.REBALANCE_IN_PROGRESS;
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            if (error != Errors.NONE || store == null) {
                for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                    if (error == Errors.NONE) {
                        group.offsets.put(e.getKey(), e.getValue());
                    }
                    results.put(e.getKey(), error);
                }
                return done(results);
            }
            return store.append(groupId, offsets).handleAsync((v, failure) -> {
                Errors outcome = Errors.NONE;
                if (failure != null) {
                    LOG.warn("Could not store offsets of group {}: {}", groupId, failure.toString());
                    outcome = Errors.COORDINATOR_NOT_AVAILABLE;
                } else {
                    groups.computeIfAbsent(groupId, ClassicGroup::new).offsets.putAll(offsets);
                    maybeSnapshot();
                }
                for (TopicPartition tp : offsets.keySet()) {
                    results.put(tp, outcome);
                }
                return results;
            }, thread);
        });
    }

    /** Committed offsets of a group: of the given partitions (null: all it has). */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> committed(String groupId,
                                                                             List<TopicPartition> partitions) {
        return asCoordinator(() -> {
            ClassicGroup group = groups.get(groupId);
            Map<TopicPartition, CommittedOffset> result = new LinkedHashMap<>();
            if (partitions == null) {
                if (group != null) {
                    result.putAll(group.offsets);
                }
            } else {
                for (TopicPartition tp : partitions) {
                    CommittedOffset offset = group == null ? null : group.offsets.get(tp);
                    result.put(tp, offset != null ? offset : new CommittedOffset(-1, -1, ""));
                }
            }
            return done(result);
        });
    }

    public CompletableFuture<List<GroupSummary>> describe(List<String> groupIds) {
        if (groupIds == null && role != Role.ACTIVE) {
            // ListGroups goes to every broker; one that coordinates nothing has nothing to list.
            return CompletableFuture.completedFuture(List.of());
        }
        return asCoordinator(() -> {
            List<GroupSummary> result = new ArrayList<>();
            for (String id : groupIds == null ? new ArrayList<>(groups.keySet()) : groupIds) {
                ClassicGroup group = groups.get(id);
                if (group == null) {
                    result.add(new GroupSummary(id, "Dead", "", "", List.of()));
                    continue;
                }
                List<GroupSummary.MemberSummary> members = new ArrayList<>();
                for (GroupMember m : group.members.values()) {
                    members.add(new GroupSummary.MemberSummary(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                            group.protocolName == null ? new byte[0] : m.protocols.getOrDefault(group.protocolName,
                                    new byte[0]), m.assignment));
                }
                result.add(new GroupSummary(id, group.stateName(), group.protocolType == null ? "" : group.protocolType,
                        group.state == ClassicGroup.State.STABLE ? group.protocolName : "", members));
            }
            return done(result);
        });
    }

    /** Deletes groups without members, with their offsets. */
    public CompletableFuture<Map<String, Errors>> deleteGroups(List<String> groupIds) {
        return asCoordinator(() -> {
            Map<String, Errors> results = new LinkedHashMap<>();
            for (String id : groupIds) {
                ClassicGroup group = groups.get(id);
                if (group == null) {
                    results.put(id, Errors.GROUP_ID_NOT_FOUND);
                } else if (!group.members.isEmpty()) {
                    results.put(id, Errors.NON_EMPTY_GROUP);
                } else {
                    cancel(group.joinDeadline);
                    groups.remove(id);
                    forget(id, group.offsets.keySet());
                    results.put(id, Errors.NONE);
                }
            }
            return done(results);
        });
    }

    /**
     * Deletes a group's committed offsets of some partitions. While the group has members, it is treated as
     * subscribed to every topic (subscriptions are opaque to the coordinator) and nothing is deleted.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> deleteOffsets(String groupId,
                                                                        List<TopicPartition> partitions) {
        return asCoordinator(() -> {
            ClassicGroup group = groups.get(groupId);
            if (group == null) {
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.GroupIdNotFoundException(
                        "Group " + groupId + " does not exist"));
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            for (TopicPartition tp : partitions) {
                if (!group.members.isEmpty()) {
                    results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    group.offsets.remove(tp);
                    results.put(tp, Errors.NONE);
                }
            }
            forget(groupId, results.entrySet().stream().filter(e -> e.getValue() == Errors.NONE)
                    .map(Map.Entry::getKey).toList());
            return done(results);
        });
    }

    /** Writes deletions of a group's offsets to the store (tombstones); a failure is logged, not fatal. */
    private void forget(String groupId, Collection<TopicPartition> partitions) {
        if (store == null || partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, CommittedOffset> tombstones = new LinkedHashMap<>();
        partitions.forEach(tp -> tombstones.put(tp, null));
        store.append(groupId, tombstones).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Could not store the deletion of offsets of group {}: {}", groupId, e.toString());
            }
        });
    }

    private void maybeSnapshot() {
        if (store != null && store.snapshotDue()) {
            store.snapshot().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("Could not write an offsets snapshot: {}", e.toString());
                }
            });
        }
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

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
