package io.ledgerstream.log.group;

import io.ledgerstream.log.concurrent.Futures;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed offsets of the groups of one partition of {@code __consumer_offsets}: answered from memory, made
 * durable through the partition's {@link OffsetStore} before a commit is acknowledged, loaded from it when this broker
 * takes the partition over.
 *
 * <p>Not thread-safe: confined to the group coordinator's thread.
 */
final class OffsetManager {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetManager.class);
    private static final CommittedOffset NONE = new CommittedOffset(-1, -1, "");

    private final Executor thread;
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new HashMap<>();
    /** Where commits become durable; null while not coordinating. */
    private OffsetStore store;
    /** Offsets sent with transactions not decided yet: producer id, group, partition. */
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pending = new HashMap<>();

    /** @param thread the coordinator's thread, where a commit's outcome is applied */
    OffsetManager(Executor thread) {
        this.thread = thread;
    }

    /** Takes the offsets loaded from {@code store}, and makes later commits durable there. */
    void load(OffsetStore store, Map<String, Map<TopicPartition, CommittedOffset>> loaded) {
        loaded.forEach((group, committed) ->
                offsets.computeIfAbsent(group, g -> new HashMap<>()).putAll(committed));
        this.store = store;
        pending.putAll(store.pendingTransactions());
    }

    /** Forgets every offset (another broker coordinates these groups now). */
    void unload() {
        store = null;
        offsets.clear();
        pending.clear();
    }

    /**
     * Commits offsets of a group once the store holds them, unless {@code refusal} is an error: then every
     * partition gets it. Without a store they are kept in memory only.
     *
     * @param stored runs on the coordinator's thread once the store holds them
     */
    CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, Errors refusal,
                                                          Map<TopicPartition, CommittedOffset> commits,
                                                          Runnable stored) {
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        if (refusal != Errors.NONE || store == null) {
            for (Map.Entry<TopicPartition, CommittedOffset> e : commits.entrySet()) {
                if (refusal == Errors.NONE) {
                    of(groupId).put(e.getKey(), e.getValue());
                }
                results.put(e.getKey(), refusal);
            }
            return CompletableFuture.completedFuture(results);
        }
        return store.append(groupId, commits).handleAsync((v, failure) -> {
            Errors outcome = Errors.NONE;
            if (failure != null) {
                LOG.warn("Could not store offsets of group {}: {}", groupId, failure.toString());
                outcome = Errors.COORDINATOR_NOT_AVAILABLE;
            } else {
                stored.run();
                of(groupId).putAll(commits);
                maybeSnapshot();
            }
            for (TopicPartition tp : commits.keySet()) {
                results.put(tp, outcome);
            }
            return results;
        }, thread);
    }

    /**
     * Stores offsets a transactional producer commits with its transaction; they take effect when its commit
     * marker is written ({@link #completeTransaction}), unless {@code refusal} is an error: then every partition
     * gets it.
     */
    CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(String groupId, long producerId,
                                                                       short epoch, Errors refusal,
                                                                       Map<TopicPartition, CommittedOffset> commits) {
        if (refusal == Errors.NONE && store == null) {
            refusal = Errors.NOT_COORDINATOR;
        }
        if (refusal != Errors.NONE) {
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            for (TopicPartition tp : commits.keySet()) {
                results.put(tp, refusal);
            }
            return CompletableFuture.completedFuture(results);
        }
        return store.appendTransactional(groupId, producerId, epoch, commits).handleAsync((v, failure) -> {
            Errors outcome = Errors.NONE;
            if (failure != null) {
                LOG.warn("Could not store transactional offsets of group {}: {}", groupId, failure.toString());
                outcome = Futures.unwrap(failure) instanceof InvalidProducerEpochException
                        ? Errors.INVALID_PRODUCER_EPOCH : Errors.COORDINATOR_NOT_AVAILABLE;
            } else {
                pending.computeIfAbsent(producerId, id -> new HashMap<>())
                        .computeIfAbsent(groupId, g -> new HashMap<>()).putAll(commits);
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            for (TopicPartition tp : commits.keySet()) {
                results.put(tp, outcome);
            }
            return results;
        }, thread);
    }

    /** A producer's transaction was decided (its marker is durable): its offsets take effect, or are dropped. */
    void completeTransaction(long producerId, boolean commit) {
        Map<String, Map<TopicPartition, CommittedOffset>> decided = pending.remove(producerId);
        if (decided == null || !commit) {
            return;
        }
        decided.forEach((group, committed) -> {
            of(group).putAll(committed);
            if (store != null) {
                store.committedTransactional(group, committed);
            }
        });
    }

    /**
     * The group's partitions, of {@code partitions} (null: any), whose offsets a transaction not decided yet is
     * committing (OffsetFetch with requireStable).
     */
    Set<TopicPartition> pending(String groupId, List<TopicPartition> partitions) {
        Set<TopicPartition> result = new HashSet<>();
        for (Map<String, Map<TopicPartition, CommittedOffset>> byGroup : pending.values()) {
            Map<TopicPartition, CommittedOffset> group = byGroup.get(groupId);
            if (group != null) {
                group.keySet().stream().filter(tp -> partitions == null || partitions.contains(tp))
                        .forEach(result::add);
            }
        }
        return result;
    }

    /** A group's committed offsets: of the given partitions (-1 where none), or all it has (null). */
    Map<TopicPartition, CommittedOffset> committed(String groupId, List<TopicPartition> partitions) {
        Map<TopicPartition, CommittedOffset> group = offsets.getOrDefault(groupId, Map.of());
        Map<TopicPartition, CommittedOffset> result = new LinkedHashMap<>();
        if (partitions == null) {
            result.putAll(group);
        } else {
            for (TopicPartition tp : partitions) {
                result.put(tp, group.getOrDefault(tp, NONE));
            }
        }
        return result;
    }

    /** Deletes every offset of a deleted group. */
    void deleteGroup(String groupId) {
        Map<TopicPartition, CommittedOffset> removed = offsets.remove(groupId);
        forget(groupId, removed == null ? List.of() : removed.keySet());
    }

    /**
     * Deletes a group's offsets of some partitions, unless it is {@code subscribed} (has members): then each gets
     * GROUP_SUBSCRIBED_TO_TOPIC.
     */
    Map<TopicPartition, Errors> delete(String groupId, List<TopicPartition> partitions, boolean subscribed) {
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            if (subscribed) {
                results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                Map<TopicPartition, CommittedOffset> group = offsets.get(groupId);
                if (group != null) {
                    group.remove(tp);
                }
                results.put(tp, Errors.NONE);
            }
        }
        forget(groupId, results.entrySet().stream().filter(e -> e.getValue() == Errors.NONE)
                .map(Map.Entry::getKey).toList());
        return results;
    }

    private Map<TopicPartition, CommittedOffset> of(String groupId) {
        return offsets.computeIfAbsent(groupId, g -> new HashMap<>());
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
        // A snapshot deletes the records before it, and with them the offsets of undecided transactions.
        if (store != null && store.snapshotDue() && pending.isEmpty()) {
            store.snapshot().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("Could not write an offsets snapshot: {}", e.toString());
                }
            });
        }
    }
}
