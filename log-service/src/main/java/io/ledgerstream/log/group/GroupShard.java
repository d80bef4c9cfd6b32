package io.ledgerstream.log.group;

import io.ledgerstream.log.config.ConsumerGroupConfig;
import io.ledgerstream.log.group.GroupCoordinator.JoinRequest;
import io.ledgerstream.log.group.GroupCoordinator.SyncRequest;
import io.ledgerstream.log.group.consumer.ClassicMember;
import io.ledgerstream.log.group.consumer.ClassicMetadata;
import io.ledgerstream.log.group.consumer.ClassicProtocolMembers;
import io.ledgerstream.log.group.consumer.ConsumerGroup;
import io.ledgerstream.log.group.consumer.ConsumerGroupDescription;
import io.ledgerstream.log.group.consumer.ConsumerGroupManager;
import io.ledgerstream.log.group.consumer.GroupTopics;
import io.ledgerstream.log.group.consumer.Heartbeat;
import io.ledgerstream.log.group.consumer.HeartbeatResult;
import io.ledgerstream.log.metrics.GroupMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The groups of one partition of {@code __consumer_offsets} that this broker leads: their membership under the
 * classic protocol ({@link ClassicGroupManager}) or the consumer protocol of KIP-848 ({@link ConsumerGroupManager}),
 * and their committed offsets ({@link OffsetManager}, durable in that partition through its {@link OffsetStore}). A
 * group id is of one kind at a time, and keeps its offsets when it changes kind: a group without members turns into
 * the kind of whichever member joins. With members, as {@code group.consumer.migration.policy} allows (both ways by
 * default, as in Kafka 4): a classic group of consumers becomes a consumer group when a member of the consumer
 * protocol joins, its classic members staying in it; it turns classic again, and rebalances, when the last member of
 * the consumer protocol leaves. A shard is created loading; it answers once its partition is loaded, and once
 * unloaded it is dropped for good (a later take-over creates a new one).
 *
 * <p>Not thread-safe: confined to the group coordinator's thread, which also runs its timers.
 */
final class GroupShard {
    private final int partition;
    private final int epoch;
    private final ClassicGroupManager classic;
    private final ConsumerGroupManager consumer;
    private final OffsetManager offsets;
    private boolean loaded;
    /**
     * Transactions decided in this partition while it loads, by producer id (true: committed): a marker written
     * after the replay read past its place takes effect once the load is done.
     */
    private final Map<Long, Boolean> decidedWhileLoading = new HashMap<>();

    /**
     * @param partition               the partition of {@code __consumer_offsets} whose groups these are
     * @param epoch                   the leader epoch this broker was given the partition in
     * @param thread                  the coordinator's thread, for timers and commit outcomes
     * @param initialRebalanceDelayMs how long a new group waits for more members before its first rebalance
     */
    GroupShard(int partition, int epoch, ScheduledExecutorService thread, long initialRebalanceDelayMs,
               ConsumerGroupConfig consumerGroups, GroupTopics topics, GroupMetrics metrics) {
        this.partition = partition;
        this.epoch = epoch;
        this.classic = new ClassicGroupManager(thread, initialRebalanceDelayMs, metrics);
        this.consumer = new ConsumerGroupManager(thread, consumerGroups, topics, metrics, this::downgrade);
        this.offsets = new OffsetManager(thread);
    }

    int partition() {
        return partition;
    }

    int epoch() {
        return epoch;
    }

    /** Adds this shard's groups and members to {@code sizes}. */
    GroupMetrics.Sizes addTo(GroupMetrics.Sizes sizes) {
        return new GroupMetrics.Sizes(sizes.classicGroups() + classic.groupCount(),
                sizes.classicMembers() + classic.memberCount(), sizes.consumerGroups() + consumer.groups().size(),
                sizes.consumerMembers() + consumer.memberCount());
    }

    /** Whether the partition is loaded: the shard answers requests. */
    boolean loaded() {
        return loaded;
    }

    /**
     * Takes what the partition's replay found: every group with committed offsets becomes known, later commits are
     * made durable in {@code store}, and transactions decided during the load take effect.
     *
     * @return how many groups have offsets
     */
    int load(OffsetStore store, Map<String, Map<TopicPartition, CommittedOffset>> replayed) {
        replayed.keySet().forEach(classic::ensureGroup);
        offsets.load(store, replayed);
        decidedWhileLoading.forEach(offsets::completeTransaction);
        decidedWhileLoading.clear();
        loaded = true;
        return replayed.size();
    }

    /** Forgets everything: members waiting for a join or a sync get NOT_COORDINATOR and find the new coordinator. */
    void unload() {
        loaded = false;
        decidedWhileLoading.clear();
        offsets.unload();
        classic.unload();
        consumer.unload();
    }

    CompletableFuture<JoinResult> join(JoinRequest request) {
        if (consumer.hasMembers(request.groupId())) {
            return joinConsumerGroup(request);
        }
        if (consumer.group(request.groupId()).isPresent()) {
            // An empty consumer group turns classic, as a group of one kind or the other at every moment.
            classic.ensureGroup(request.groupId());
            consumer.remove(request.groupId());
        }
        return classic.join(request);
    }

    /**
     * A classic member joins a consumer group with members: it is served from the group's assignment; or, when it
     * replaced the group's last member of the consumer protocol and the group turned classic, it joins that group.
     */
    private CompletableFuture<JoinResult> joinConsumerGroup(JoinRequest r) {
        ClassicProtocolMembers.Joined joined;
        try {
            joined = consumer.classicMembers().join(new ClassicProtocolMembers.Join(r.groupId(), r.memberId(),
                    r.groupInstanceId(), r.clientId(), r.clientHost(), r.sessionTimeoutMs(), r.rebalanceTimeoutMs(),
                    r.protocolType(), r.protocols(), r.requireKnownMemberId()));
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(JoinResult.error(Errors.forException(e), r.memberId()));
        }
        if (joined.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(JoinResult.error(joined.error(), joined.memberId()));
        }
        if (consumer.group(r.groupId()).isEmpty()) {
            return classic.join(new JoinRequest(r.groupId(), joined.memberId(), r.groupInstanceId(), r.clientId(),
                    r.clientHost(), r.sessionTimeoutMs(), r.rebalanceTimeoutMs(), r.protocolType(), r.protocols(),
                    false, r.skipAssignmentSupported()));
        }
        // No leader: the coordinator assigns, so every member syncs as a follower and gets its part.
        return CompletableFuture.completedFuture(new JoinResult(Errors.NONE, joined.generation(), r.protocolType(),
                joined.protocolName(), "", joined.memberId(), List.of(), false));
    }

    /**
     * A ConsumerGroupHeartbeat. A classic group of that id becomes a consumer group: at once if it is empty; with
     * its members, when a member joins and the migration policy allows it (the classic members stay, served by
     * {@link ClassicProtocolMembers}).
     */
    HeartbeatResult consumerHeartbeat(Heartbeat heartbeat) {
        String groupId = heartbeat.groupId();
        if (classic.exists(groupId) && classic.hasMembers(groupId)) {
            ClassicGroup group = classic.get(groupId);
            if (heartbeat.memberEpoch() != 0) {
                // A member of a consumer group that turned classic while it was away: it joins again.
                throw new UnknownMemberIdException("Member " + heartbeat.memberId() + " is not in group " + groupId
                        + ", which is a classic group now");
            }
            if (!consumer.classicMembers().mayAdopt(group.protocolType, group.members.size())) {
                throw new GroupIdNotFoundException("Group " + groupId + " is a classic group with members of "
                        + "protocol type " + group.protocolType + "; it cannot become a consumer group now (see "
                        + ConsumerGroupConfig.MIGRATION_POLICY + ")");
            }
            consumer.validate(heartbeat);
            upgrade(group);
            try {
                return consumer.heartbeat(heartbeat);
            } catch (RuntimeException e) {
                // Not expected once the heartbeat is valid and the group has room; the group goes back to classic.
                consumer.group(groupId).filter(ConsumerGroup::classicWithCommonProtocol).ifPresent(this::downgrade);
                throw e;
            }
        }
        boolean wasClassic = classic.exists(heartbeat.groupId());
        classic.forgetEmpty(heartbeat.groupId());
        try {
            return consumer.heartbeat(heartbeat);
        } catch (RuntimeException e) {
            if (wasClassic && !consumer.hasMembers(heartbeat.groupId())) {
                // Refused: the group stays the classic group it was.
                consumer.remove(heartbeat.groupId());
                classic.ensureGroup(heartbeat.groupId());
            }
            throw e;
        }
    }

    /** A classic group with members becomes a consumer group, its members still speaking the classic protocol. */
    private void upgrade(ClassicGroup group) {
        List<ClassicMember> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new ClassicMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, new ClassicMetadata(m.sessionTimeoutMs, m.protocols), m.generation,
                    m.assignment));
        }
        consumer.classicMembers().adopt(group.groupId, group.generation, members);
        classic.take(group.groupId);
    }

    /** A consumer group whose members all speak the classic protocol becomes a classic group, and rebalances. */
    private void downgrade(ConsumerGroup group) {
        List<GroupMember> members = new ArrayList<>();
        for (ClassicMember m : consumer.classicMembers().release(group)) {
            GroupMember member = new GroupMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost());
            member.sessionTimeoutMs = m.metadata().sessionTimeoutMs();
            member.rebalanceTimeoutMs = m.rebalanceTimeoutMs();
            member.protocols = new LinkedHashMap<>(m.metadata().protocols());
            member.assignment = m.assignment();
            member.generation = m.generation();
            members.add(member);
        }
        classic.adopt(group.groupId(), group.groupEpoch(), ConsumerProtocol.PROTOCOL_TYPE, members);
    }

    Optional<ConsumerGroupDescription> describeConsumerGroup(String groupId) {
        return consumer.describe(groupId);
    }

    CompletableFuture<SyncResult> sync(SyncRequest request) {
        if (consumer.group(request.groupId()).isPresent()) {
            try {
                byte[] assignment = consumer.classicMembers().sync(request.groupId(), request.memberId(),
                        request.groupInstanceId(), request.generation(), request.protocolType(),
                        request.protocolName());
                return CompletableFuture.completedFuture(new SyncResult(Errors.NONE, request.protocolType(),
                        request.protocolName(), assignment));
            } catch (ApiException e) {
                return CompletableFuture.completedFuture(SyncResult.error(Errors.forException(e)));
            }
        }
        return classic.sync(request.groupId(), request.generation(), request.memberId(), request.assignments());
    }

    CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId, int generation) {
        if (consumer.group(groupId).isPresent()) {
            try {
                return CompletableFuture.completedFuture(consumer.classicMembers().heartbeat(groupId, memberId,
                        groupInstanceId, generation));
            } catch (ApiException e) {
                return CompletableFuture.completedFuture(Errors.forException(e));
            }
        }
        return classic.heartbeat(groupId, memberId, groupInstanceId, generation);
    }

    CompletableFuture<List<Errors>> leave(String groupId, List<String[]> memberAndInstanceIds) {
        if (consumer.group(groupId).isPresent()) {
            List<Errors> results = new ArrayList<>();
            for (String[] ids : memberAndInstanceIds) {
                results.add(consumer.classicMembers().leave(groupId, ids[0], ids[1]));
            }
            return CompletableFuture.completedFuture(results);
        }
        return classic.leave(groupId, memberAndInstanceIds);
    }

    CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generation, String memberId,
                                                          Map<TopicPartition, CommittedOffset> commits) {
        if (consumer.group(groupId).isPresent()) {
            return offsets.commit(groupId, consumerCheck(() -> consumer.validateCommit(groupId, memberId, generation,
                    byTopic(commits.keySet()), false)), commits, () -> { });
        }
        return offsets.commit(groupId, classic.validateCommit(groupId, generation, memberId), commits,
                () -> classic.ensureGroup(groupId));
    }

    private static Map<String, List<Integer>> byTopic(Set<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new HashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        return byTopic;
    }

    /** A consumer group's check, as the error it gives (NONE when it passes). */
    private static Errors consumerCheck(Runnable check) {
        try {
            check.run();
            return Errors.NONE;
        } catch (ApiException e) {
            return Errors.forException(e);
        }
    }

    /** Checks an OffsetFetch that names a member of a consumer group (v9 and later). */
    void validateFetch(String groupId, String memberId, int memberEpoch) {
        consumer.validateFetch(groupId, memberId, memberEpoch);
    }

    CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(String groupId, long producerId, short epoch,
                                                                       int generation, String memberId,
                                                                       Map<TopicPartition, CommittedOffset> commits) {
        Errors valid = consumer.group(groupId).isPresent()
                ? consumerCheck(() -> consumer.validateCommit(groupId, memberId, generation,
                        byTopic(commits.keySet()), true))
                : classic.validateTransactionalCommit(groupId, generation, memberId);
        return offsets.commitTransactional(groupId, producerId, epoch, valid, commits);
    }

    /** A producer's transaction was decided in this partition (its marker is durable). */
    void completeTransaction(long producerId, boolean commit) {
        if (loaded) {
            offsets.completeTransaction(producerId, commit);
        } else {
            decidedWhileLoading.put(producerId, commit);
        }
    }

    Set<TopicPartition> unstable(String groupId, List<TopicPartition> partitions) {
        return offsets.pending(groupId, partitions);
    }

    Map<TopicPartition, CommittedOffset> committed(String groupId, List<TopicPartition> partitions) {
        return offsets.committed(groupId, partitions);
    }

    /**
     * The group as DescribeGroups shows it; Dead if it is not known. A consumer group is GROUP_ID_NOT_FOUND, as in
     * Kafka: it is described by ConsumerGroupDescribe.
     */
    GroupSummary describe(String groupId) {
        if (consumer.group(groupId).isPresent()) {
            return GroupSummary.failed(groupId, Errors.GROUP_ID_NOT_FOUND);
        }
        return classic.describe(groupId);
    }

    /** Every group of the partition, as ListGroups shows them. */
    List<GroupSummary> list() {
        List<GroupSummary> all = new ArrayList<>(classic.list());
        consumer.groups().forEach(g -> all.add(new GroupSummary(g.groupId(), Errors.NONE, g.state(),
                GroupSummary.CONSUMER, "", List.of(), GroupSummary.CONSUMER)));
        return all;
    }

    /** Deletes a group without members, with its offsets: NONE, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP. */
    Errors deleteGroup(String groupId) {
        if (consumer.group(groupId).isPresent()) {
            if (!consumer.remove(groupId)) {
                return Errors.NON_EMPTY_GROUP;
            }
            offsets.deleteGroup(groupId);
            return Errors.NONE;
        }
        Errors result = classic.delete(groupId);
        if (result == Errors.NONE) {
            offsets.deleteGroup(groupId);
        }
        return result;
    }

    Map<TopicPartition, Errors> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        boolean active = consumer.group(groupId).isPresent() ? consumer.hasMembers(groupId)
                : classic.hasMembers(groupId);
        return offsets.delete(groupId, partitions, active);
    }
}
