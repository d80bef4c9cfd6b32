package io.ledgerstream.log.group;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this broker while it leads the offsets partition: the classic group protocol's
 * membership and rebalances ({@link ClassicGroupManager}) and the groups' committed offsets ({@link OffsetManager}),
 * so every client-side assignor (range, round-robin, sticky, cooperative-sticky) works.
 *
 * <p>Thread-safe: all group state lives on one thread; every call hops onto it and returns a future. Committed
 * offsets are made durable through the {@link OffsetStore} before a commit is acknowledged; group membership is not
 * stored: after a broker restart members simply join again.
 */
@ThreadSafe
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledgerstream-group-coordinator");
        t.setDaemon(true);
        return t;
    });
    private final ClassicGroupManager groups;
    private final OffsetManager offsets = new OffsetManager(thread);
    private volatile Role role = Role.INACTIVE;
    /** Counts activations and deactivations, so a load that a later call overtook does not take effect. */
    private int activations;

    /** @param initialRebalanceDelayMs how long a new group waits for more members before its first rebalance */
    public GroupCoordinator(long initialRebalanceDelayMs) {
        this.groups = new ClassicGroupManager(thread, initialRebalanceDelayMs);
    }

    /** A JoinGroup request. */
    public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId,
                              String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                              Map<String, byte[]> protocols, boolean requireKnownMemberId,
                              boolean skipAssignmentSupported) {
    }

    private <T> CompletableFuture<T> onThread(Supplier<CompletableFuture<T>> work) {
        return Futures.on(thread, work);
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
                    throw new CompletionException(error);
                }
                offsets.keySet().forEach(groups::ensureGroup);
                this.offsets.load(opening.join(), offsets);
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
            offsets.unload();
            groups.unload();
            return CompletableFuture.completedFuture(null);
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
        return asCoordinator(() -> groups.join(request));
    }

    public CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId,
                                              Map<String, byte[]> assignments) {
        return asCoordinator(() -> groups.sync(groupId, generation, memberId, assignments));
    }

    /** A Heartbeat; {@code groupInstanceId} is null for dynamic members. */
    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId,
                                               int generation) {
        return asCoordinator(() -> groups.heartbeat(groupId, memberId, groupInstanceId, generation));
    }

    /** Removes members (by member id, or by instance id when the member id is empty). */
    public CompletableFuture<List<Errors>> leave(String groupId, List<String[]> memberAndInstanceIds) {
        return asCoordinator(() -> groups.leave(groupId, memberAndInstanceIds));
    }

    public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generation, String memberId,
                                                                 Map<TopicPartition, CommittedOffset> commits) {
        return asCoordinator(() -> offsets.commit(groupId, groups.validateCommit(groupId, generation, memberId),
                commits, () -> groups.ensureGroup(groupId)));
    }

    /** TxnOffsetCommit: offsets committed with the producer's transaction, checked against the group. */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(
            String groupId, long producerId, short epoch, int generation, String memberId,
            Map<TopicPartition, CommittedOffset> commits) {
        return asCoordinator(() -> offsets.commitTransactional(groupId, producerId, epoch,
                groups.validateTransactionalCommit(groupId, generation, memberId), commits));
    }

    /**
     * A producer's transaction was decided in the offsets partition (its marker is durable): the offsets it sent
     * take effect or are dropped. Not coordinating: nothing to do, a later load replays the marker.
     */
    public CompletableFuture<Void> completeTransaction(long producerId, boolean commit) {
        return onThread(() -> {
            if (role == Role.ACTIVE) {
                offsets.completeTransaction(producerId, commit);
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * The group's partitions, of {@code partitions} (null: any), whose offsets an undecided transaction is
     * committing.
     */
    public CompletableFuture<Set<TopicPartition>> unstable(String groupId, List<TopicPartition> partitions) {
        return asCoordinator(() -> CompletableFuture.completedFuture(offsets.pending(groupId, partitions)));
    }

    /** Committed offsets of a group: of the given partitions (null: all it has). */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> committed(String groupId,
                                                                             List<TopicPartition> partitions) {
        return asCoordinator(() -> CompletableFuture.completedFuture(offsets.committed(groupId, partitions)));
    }

    public CompletableFuture<List<GroupSummary>> describe(List<String> groupIds) {
        if (groupIds == null && role != Role.ACTIVE) {
            // ListGroups goes to every broker; one that coordinates nothing has nothing to list.
            return CompletableFuture.completedFuture(List.of());
        }
        return asCoordinator(() -> groups.describe(groupIds));
    }

    /** Deletes groups without members, with their offsets. */
    public CompletableFuture<Map<String, Errors>> deleteGroups(List<String> groupIds) {
        return asCoordinator(() -> {
            Map<String, Errors> results = new LinkedHashMap<>();
            for (String id : groupIds) {
                Errors result = groups.delete(id);
                if (result == Errors.NONE) {
                    offsets.deleteGroup(id);
                }
                results.put(id, result);
            }
            return CompletableFuture.completedFuture(results);
        });
    }

    /**
     * Deletes a group's committed offsets of some partitions. While the group has members, it is treated as
     * subscribed to every topic (subscriptions are opaque to the coordinator) and nothing is deleted.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> deleteOffsets(String groupId,
                                                                        List<TopicPartition> partitions) {
        return asCoordinator(() -> CompletableFuture.completedFuture(
                offsets.delete(groupId, partitions, groups.hasMembers(groupId))));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
