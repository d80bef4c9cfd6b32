package io.ledgerstream.log.group;

import io.ledgerstream.log.group.GroupCoordinator.JoinRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The groups of one partition of {@code __consumer_offsets} that this broker leads: their membership under the
 * classic protocol ({@link ClassicGroupManager}) and their committed offsets ({@link OffsetManager}, durable in that
 * partition through its {@link OffsetStore}). A second group protocol's manager would sit beside the classic one
 * here, sharing the partition's offsets. A shard is created loading; it answers once its partition is loaded, and
 * once unloaded it is dropped for good (a later take-over creates a new one).
 *
 * <p>Not thread-safe: confined to the group coordinator's thread, which also runs its timers.
 */
final class GroupShard {
    private final int partition;
    private final int epoch;
    private final ClassicGroupManager classic;
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
    GroupShard(int partition, int epoch, ScheduledExecutorService thread, long initialRebalanceDelayMs) {
        this.partition = partition;
        this.epoch = epoch;
        this.classic = new ClassicGroupManager(thread, initialRebalanceDelayMs);
        this.offsets = new OffsetManager(thread);
    }

    int partition() {
        return partition;
    }

    int epoch() {
        return epoch;
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
    }

    CompletableFuture<JoinResult> join(JoinRequest request) {
        return classic.join(request);
    }

    CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId,
                                       Map<String, byte[]> assignments) {
        return classic.sync(groupId, generation, memberId, assignments);
    }

    CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId, int generation) {
        return classic.heartbeat(groupId, memberId, groupInstanceId, generation);
    }

    CompletableFuture<List<Errors>> leave(String groupId, List<String[]> memberAndInstanceIds) {
        return classic.leave(groupId, memberAndInstanceIds);
    }

    CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generation, String memberId,
                                                          Map<TopicPartition, CommittedOffset> commits) {
        return offsets.commit(groupId, classic.validateCommit(groupId, generation, memberId), commits,
                () -> classic.ensureGroup(groupId));
    }

    CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(String groupId, long producerId, short epoch,
                                                                       int generation, String memberId,
                                                                       Map<TopicPartition, CommittedOffset> commits) {
        return offsets.commitTransactional(groupId, producerId, epoch,
                classic.validateTransactionalCommit(groupId, generation, memberId), commits);
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

    /** The group as DescribeGroups shows it; Dead if it is not known. */
    GroupSummary describe(String groupId) {
        return classic.describe(groupId);
    }

    /** Every group of the partition, as ListGroups shows them. */
    List<GroupSummary> list() {
        return classic.list();
    }

    /** Deletes a group without members, with its offsets: NONE, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP. */
    Errors deleteGroup(String groupId) {
        Errors result = classic.delete(groupId);
        if (result == Errors.NONE) {
            offsets.deleteGroup(groupId);
        }
        return result;
    }

    Map<TopicPartition, Errors> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return offsets.delete(groupId, partitions, classic.hasMembers(groupId));
    }
}
