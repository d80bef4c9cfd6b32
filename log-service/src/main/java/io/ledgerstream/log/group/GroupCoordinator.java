package io.ledgerstream.log.group;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.config.ConsumerGroupConfig;
import io.ledgerstream.log.group.consumer.ConsumerGroupDescription;
import io.ledgerstream.log.group.consumer.GroupTopics;
import io.ledgerstream.log.group.consumer.Heartbeat;
import io.ledgerstream.log.group.consumer.HeartbeatResult;
import io.ledgerstream.log.metrics.GroupMetrics;
import io.ledgerstream.log.partition.PartitionLogs;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this broker: a group belongs to partition {@code abs(hash(group id)) % partitions} of
 * {@code __consumer_offsets}, and the leader of that partition coordinates it. For every partition this broker
 * leads there is a {@link GroupShard} (classic membership and rebalances, committed offsets), loaded from the
 * partition on take-over and dropped when the partition moves. Requests for a group of a partition this broker does
 * not lead get NOT_COORDINATOR; while its partition loads, COORDINATOR_LOAD_IN_PROGRESS.
 *
 * <p>Thread-safe: all group state lives on one thread; every call hops onto it and returns a future. Committed
 * offsets are made durable in the group's partition before a commit is acknowledged; group membership is not
 * stored: after a move or a restart members simply join again.
 */
@ThreadSafe
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final ScheduledExecutorService thread = coordinatorThread();
    private final PartitionLogs logs;
    private final long snapshotEvery;
    private final Clock clock;
    private final long initialRebalanceDelayMs;
    private final ConsumerGroupConfig consumerGroups;
    private final GroupTopics topics;
    private final GroupMetrics metrics;
    /** Partitions of {@code __consumer_offsets}; 0 until the topic is known to exist. */
    private volatile int partitionCount;
    /** The shard of each partition this broker coordinates or is loading; confined to the thread. */
    private final Map<Integer, GroupShard> shards = new HashMap<>();

    /**
     * @param logs                    the logs of the partitions this broker leads
     * @param snapshotEvery           offset records between two snapshots of a partition
     *                                ({@code offsets.snapshot.records})
     * @param clock                   the broker's clock, which stamps the offset records
     * @param initialRebalanceDelayMs how long a new group waits for more members before its first rebalance
     * @param consumerGroups          the settings of consumer groups (KIP-848)
     * @param topics                  the topics consumer groups subscribe to
     * @param metrics                 where rebalances are counted
     */
    public GroupCoordinator(PartitionLogs logs, long snapshotEvery, Clock clock, long initialRebalanceDelayMs,
                            ConsumerGroupConfig consumerGroups, GroupTopics topics, GroupMetrics metrics) {
        this.metrics = metrics;
        this.logs = logs;
        this.snapshotEvery = snapshotEvery;
        this.clock = clock;
        this.initialRebalanceDelayMs = initialRebalanceDelayMs;
        this.consumerGroups = consumerGroups;
        this.topics = topics;
    }

    /** A JoinGroup request. */
    public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId,
                              String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                              Map<String, byte[]> protocols, boolean requireKnownMemberId,
                              boolean skipAssignmentSupported) {
    }

    /** A SyncGroup as the coordinator reads it; the assignments are the leader's, by member id. */
    public record SyncRequest(String groupId, int generation, String memberId, String groupInstanceId,
                              String protocolType, String protocolName, Map<String, byte[]> assignments) {
    }

    /**
     * The coordinator's one thread. Cancelled timers (a session timer is re-armed by every heartbeat) leave its queue
     * at once rather than when they would have run, holding their members until then.
     */
    private static ScheduledExecutorService coordinatorThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ledgerstream-group-coordinator");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /**
     * Fixes the partition count of {@code __consumer_offsets}, once the topic exists: as in Kafka, it never changes
     * afterwards, since it places every group.
     *
     * @throws IllegalStateException if a different count was fixed before
     */
    public synchronized void fixPartitionCount(int partitions) {
        if (partitions < 1 || partitionCount != 0 && partitionCount != partitions) {
            throw new IllegalStateException("The partition count of " + OffsetStore.TOPIC + " is "
                    + partitionCount + "; it cannot become " + partitions);
        }
        partitionCount = partitions;
    }

    /** Partitions of {@code __consumer_offsets}; 0 while not known yet (the broker is starting). */
    public int partitionCount() {
        return partitionCount;
    }

    /** The partition of {@code __consumer_offsets} a group belongs to; -1 while the partition count is not known. */
    public int partitionFor(String groupId) {
        int partitions = partitionCount;
        return partitions == 0 ? -1 : OffsetStore.partitionFor(groupId, partitions);
    }

    private <T> CompletableFuture<T> onThread(Supplier<CompletableFuture<T>> work) {
        return Futures.on(thread, work);
    }

    /**
     * Starts coordinating the groups of {@code partition}, led here in {@code epoch}: loads its committed offsets
     * (COORDINATOR_LOAD_IN_PROGRESS meanwhile), then answers for its groups and makes every later commit durable
     * there. Electing the same epoch again changes nothing; a {@link #resign} or a newer election meanwhile wins.
     */
    public CompletableFuture<Void> elect(int partition, int epoch) {
        return onThread(() -> {
            GroupShard current = shards.get(partition);
            if (current != null && current.epoch() == epoch) {
                return CompletableFuture.completedFuture(null);
            }
            if (current != null) {
                current.unload();
            }
            GroupShard shard = new GroupShard(partition, epoch, thread, initialRebalanceDelayMs, consumerGroups,
                    topics, metrics);
            shards.put(partition, shard);
            return OffsetStore.open(logs, partition, snapshotEvery, clock)
                    .thenCompose(store -> store.replay().thenApply(replayed -> Map.entry(store, replayed)))
                    .<Void>handleAsync((loaded, error) -> {
                        if (shards.get(partition) != shard) {
                            // Resigned or elected again meanwhile; leave it to that call.
                            return null;
                        }
                        int groups;
                        try {
                            if (error != null) {
                                throw new CompletionException(error);
                            }
                            groups = shard.load(loaded.getKey(), loaded.getValue());
                        } catch (RuntimeException e) {
                            // Not loaded: the next election of this partition starts afresh.
                            shards.remove(partition);
                            shard.unload();
                            LOG.warn("Could not load the groups of {}-{}: {}", OffsetStore.TOPIC, partition,
                                    Futures.unwrap(e).toString());
                            throw e;
                        }
                        LOG.info("Coordinating the groups of {}-{} (epoch {}): loaded the committed offsets of {} "
                                + "group(s)", OffsetStore.TOPIC, partition, epoch, groups);
                        return null;
                    }, thread);
        });
    }

    /** Stops coordinating the groups of {@code partition} (it moved): they are forgotten here. */
    public CompletableFuture<Void> resign(int partition) {
        return onThread(() -> {
            drop(partition);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Stops coordinating every group, as when this broker may have lost its ZooKeeper session. */
    public CompletableFuture<Void> resignAll() {
        return onThread(() -> {
            List.copyOf(shards.keySet()).forEach(this::drop);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Forgets a partition's shard, loaded or loading. On the thread. */
    private void drop(int partition) {
        GroupShard shard = shards.remove(partition);
        if (shard != null) {
            if (shard.loaded()) {
                LOG.info("No longer coordinating the groups of {}-{}", OffsetStore.TOPIC, partition);
            }
            shard.unload();
        }
    }

    /** The partitions whose groups this broker coordinates now (it leads them and has loaded them). */
    public CompletableFuture<Set<Integer>> coordinatedPartitions() {
        return onThread(() -> {
            Set<Integer> loaded = new TreeSet<>();
            shards.values().stream().filter(GroupShard::loaded).forEach(s -> loaded.add(s.partition()));
            return CompletableFuture.completedFuture(loaded);
        });
    }

    /** The groups and members of every partition this broker coordinates now, by protocol. */
    public CompletableFuture<GroupMetrics.Sizes> sizes() {
        return onThread(() -> {
            GroupMetrics.Sizes sizes = new GroupMetrics.Sizes(0, 0, 0, 0);
            for (GroupShard shard : shards.values()) {
                if (shard.loaded()) {
                    sizes = shard.addTo(sizes);
                }
            }
            return CompletableFuture.completedFuture(sizes);
        });
    }

    /** The loaded shard of the group's partition, or the error that says why there is none here. */
    private GroupShard shardOf(String groupId) {
        int partition = partitionFor(groupId);
        if (partition < 0) {
            throw new CoordinatorNotAvailableException("The group coordinator is not started yet");
        }
        GroupShard shard = shards.get(partition);
        if (shard == null) {
            throw new NotCoordinatorException("This broker does not coordinate group " + groupId + " ("
                    + OffsetStore.TOPIC + "-" + partition + ")");
        }
        if (!shard.loaded()) {
            throw new CoordinatorLoadInProgressException("The committed offsets of " + OffsetStore.TOPIC + "-"
                    + partition + " are being loaded");
        }
        return shard;
    }

    /** Runs a group's work on its shard, on the coordinator's thread; fails as {@link #shardOf} says. */
    private <T> CompletableFuture<T> asCoordinator(String groupId, Function<GroupShard, CompletableFuture<T>> work) {
        return onThread(() -> work.apply(shardOf(groupId)));
    }

    public CompletableFuture<JoinResult> join(JoinRequest request) {
        return asCoordinator(request.groupId(), shard -> shard.join(request));
    }

    public CompletableFuture<SyncResult> sync(SyncRequest request) {
        return asCoordinator(request.groupId(), shard -> shard.sync(request));
    }

    /** A ConsumerGroupHeartbeat of the consumer protocol (KIP-848). */
    public CompletableFuture<HeartbeatResult> consumerHeartbeat(Heartbeat heartbeat) {
        return asCoordinator(heartbeat.groupId(), shard -> CompletableFuture.completedFuture(
                shard.consumerHeartbeat(heartbeat)));
    }

    /** A consumer group as ConsumerGroupDescribe shows it; empty if the group is not a consumer group. */
    public CompletableFuture<Optional<ConsumerGroupDescription>> describeConsumerGroup(String groupId) {
        return asCoordinator(groupId, shard -> CompletableFuture.completedFuture(
                shard.describeConsumerGroup(groupId)));
    }

    /** A Heartbeat; {@code groupInstanceId} is null for dynamic members. */
    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId,
                                               int generation) {
        return asCoordinator(groupId, shard -> shard.heartbeat(groupId, memberId, groupInstanceId, generation));
    }

    /** Removes members (by member id, or by instance id when the member id is empty). */
    public CompletableFuture<List<Errors>> leave(String groupId, List<String[]> memberAndInstanceIds) {
        return asCoordinator(groupId, shard -> shard.leave(groupId, memberAndInstanceIds));
    }

    public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generation, String memberId,
                                                                 Map<TopicPartition, CommittedOffset> commits) {
        return asCoordinator(groupId, shard -> shard.commit(groupId, generation, memberId, commits));
    }

    /** TxnOffsetCommit: offsets committed with the producer's transaction, checked against the group. */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(
            String groupId, long producerId, short epoch, int generation, String memberId,
            Map<TopicPartition, CommittedOffset> commits) {
        return asCoordinator(groupId, shard -> shard.commitTransactional(groupId, producerId, epoch, generation,
                memberId, commits));
    }

    /**
     * A producer's transaction was decided in {@code partition} of the offsets topic (its marker is durable there):
     * the offsets it sent to that partition take effect or are dropped. A partition loading here applies it once
     * loaded; one not coordinated here has nothing to do (a later load replays the marker).
     */
    public CompletableFuture<Void> completeTransaction(int partition, long producerId, boolean commit) {
        return onThread(() -> {
            GroupShard shard = shards.get(partition);
            if (shard != null) {
                shard.completeTransaction(producerId, commit);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * The group's partitions, of {@code partitions} (null: any), whose offsets an undecided transaction is
     * committing.
     */
    public CompletableFuture<Set<TopicPartition>> unstable(String groupId, List<TopicPartition> partitions) {
        return asCoordinator(groupId, shard -> CompletableFuture.completedFuture(shard.unstable(groupId, partitions)));
    }

    /** Committed offsets of a group: of the given partitions (null: all it has). */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> committed(String groupId,
                                                                             List<TopicPartition> partitions) {
        return committed(groupId, null, -1, partitions);
    }

    /**
     * Committed offsets of a group, for a member of a consumer group that names itself (OffsetFetch v9 and later):
     * it must be in the group in that epoch.
     *
     * @param memberId null when no member is named
     */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> committed(String groupId, String memberId,
                                                                             int memberEpoch,
                                                                             List<TopicPartition> partitions) {
        return asCoordinator(groupId, shard -> {
            shard.validateFetch(groupId, memberId, memberEpoch);
            return CompletableFuture.completedFuture(shard.committed(groupId, partitions));
        });
    }

    /** DescribeGroups: each group described, or with the error that says why not here (NOT_COORDINATOR, ...). */
    public CompletableFuture<List<GroupSummary>> describe(List<String> groupIds) {
        return onThread(() -> {
            List<GroupSummary> result = new ArrayList<>();
            for (String id : groupIds) {
                result.add(eachGroup(id, shard -> shard.describe(id), GroupSummary::failed));
            }
            return CompletableFuture.completedFuture(result);
        });
    }

    /**
     * ListGroups: every group of every partition this broker coordinates. While one of its partitions loads, fails
     * with COORDINATOR_LOAD_IN_PROGRESS (the client asks again), as Kafka answers.
     */
    public CompletableFuture<List<GroupSummary>> list() {
        return onThread(() -> {
            List<GroupSummary> result = new ArrayList<>();
            for (GroupShard shard : shards.values()) {
                if (!shard.loaded()) {
                    return CompletableFuture.failedFuture(new CoordinatorLoadInProgressException(
                            "The committed offsets of " + OffsetStore.TOPIC + "-" + shard.partition()
                                    + " are being loaded"));
                }
                result.addAll(shard.list());
            }
            return CompletableFuture.completedFuture(result);
        });
    }

    /** DeleteGroups: groups without members go, with their offsets; each group gets its own outcome. */
    public CompletableFuture<Map<String, Errors>> deleteGroups(List<String> groupIds) {
        return onThread(() -> {
            Map<String, Errors> results = new LinkedHashMap<>();
            for (String id : groupIds) {
                results.put(id, eachGroup(id, shard -> shard.deleteGroup(id), (group, error) -> error));
            }
            return CompletableFuture.completedFuture(results);
        });
    }

    /** One group's part of a request about several: its shard's answer, or its error. On the thread. */
    private <T> T eachGroup(String groupId, Function<GroupShard, T> work,
                            BiFunction<String, Errors, T> failed) {
        GroupShard shard;
        try {
            shard = shardOf(groupId);
        } catch (ApiException e) {
            return failed.apply(groupId, Errors.forException(e));
        }
        return work.apply(shard);
    }

    /**
     * Deletes a group's committed offsets of some partitions. While the group has members, it is treated as
     * subscribed to every topic (subscriptions are opaque to the coordinator) and nothing is deleted.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> deleteOffsets(String groupId,
                                                                        List<TopicPartition> partitions) {
        return asCoordinator(groupId, shard -> CompletableFuture.completedFuture(
                shard.deleteOffsets(groupId, partitions)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
