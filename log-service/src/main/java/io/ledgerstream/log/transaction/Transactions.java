package io.ledgerstream.log.transaction;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.ProducerIdAllocator;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions of the transactional ids coordinated here, as Kafka's coordinator runs them (transaction
 * version 1): every state change is made durable in {@code __transaction_state} before it takes effect; EndTxn
 * records PREPARE_COMMIT or PREPARE_ABORT, answers, then has the markers written ({@link MarkerWriter}) and records
 * COMPLETE_COMMIT or COMPLETE_ABORT. InitProducerId on an id with an open transaction aborts it under a bumped
 * epoch (fencing the old producer) and answers CONCURRENT_TRANSACTIONS until that is done; so do requests that come
 * while a state change or the markers are under way.
 *
 * <p>Not thread-safe: confined to the transaction coordinator's thread.
 */
final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private static final long RETRY_MS = 1_000;

    /** A transactional id's current state and whether a change of it is being written. */
    private static final class Entry {
        final int partition;
        TransactionRecord current;
        boolean writing;
        boolean dropped;

        Entry(int partition, TransactionRecord current) {
            this.partition = partition;
            this.current = current;
        }
    }

    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final ProducerIdAllocator producerIds;
    private final MarkerWriter markers;
    private final IntFunction<TransactionLog> logs;
    private final IntUnaryOperator coordinatorEpoch;
    private final Map<String, Entry> entries = new HashMap<>();

    Transactions(ScheduledExecutorService thread, Clock clock, ProducerIdAllocator producerIds,
                 MarkerWriter markers, IntFunction<TransactionLog> logs,
                 IntUnaryOperator coordinatorEpoch) {
        this.thread = thread;
        this.clock = clock;
        this.producerIds = producerIds;
        this.markers = markers;
        this.logs = logs;
        this.coordinatorEpoch = coordinatorEpoch;
    }

    static <T> Map<T, Errors> each(Collection<T> keys, Errors error) {
        Map<T, Errors> result = new LinkedHashMap<>();
        keys.forEach(k -> result.put(k, error));
        return result;
    }

    /** Takes the ids loaded from a partition; transactions found preparing get their markers written. */
    void load(int partition, Collection<TransactionRecord> loaded) {
        for (TransactionRecord record : loaded) {
            Entry entry = new Entry(partition, record);
            entries.put(record.transactionalId(), entry);
            if (record.state() == TransactionState.PREPARE_COMMIT || record.state() == TransactionState.PREPARE_ABORT) {
                LOG.info("Completing transaction of {} found in {} on take-over", record.transactionalId(),
                        record.state().kafkaName());
                writeMarkers(entry);
            }
        }
    }

    /** Forgets the ids of a partition no longer coordinated here. */
    void unload(int partition) {
        entries.values().removeIf(e -> {
            if (e.partition == partition) {
                e.dropped = true;
                return true;
            }
            return false;
        });
    }

    /** Writes a state change; once durable (and the id still coordinated here), it takes effect. */
    private CompletableFuture<Void> transition(Entry entry, TransactionRecord next) {
        entry.writing = true;
        return logs.apply(entry.partition).write(next).handleAsync((v, error) -> {
            entry.writing = false;
            if (entry.dropped) {
                throw new CompletionException(new NotCoordinatorException("Coordinator moved"));
            }
            if (error != null) {
                LOG.warn("Could not store the state of transactional id {}: {}", next.transactionalId(),
                        error.toString());
                throw new CompletionException(error);
            }
            entry.current = next;
            return null;
        }, thread);
    }

    /** A failed state change's answer: the coordinator moved, or could not write (the client retries). */
    private static Errors writeFailure(Throwable error) {
        Throwable cause = Futures.unwrap(error);
        return cause instanceof NotCoordinatorException ? Errors.NOT_COORDINATOR
                : Errors.COORDINATOR_NOT_AVAILABLE;
    }

    CompletableFuture<ProducerIdAndEpoch> initProducerId(String id, int partition, int timeoutMs, long producerId,
                                                         short epoch) {
        Entry entry = entries.get(id);
        long now = clock.millis();
        if (entry == null) {
            return producerIds.nextId().thenComposeAsync(newId -> {
                if (entries.containsKey(id)) {
                    // Another InitProducerId of the same id came first; the client retries.
                    return CompletableFuture.completedFuture(
                            ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
                }
                Entry created = new Entry(partition, null);
                entries.put(id, created);
                TransactionRecord record = new TransactionRecord(id, newId, (short) 0, (short) -1, timeoutMs,
                        TransactionState.EMPTY, Set.of(), -1, now);
                return transition(created, record).handle((v, e) -> {
                    if (e != null) {
                        if (created.current == null) {
                            entries.remove(id, created);
                        }
                        return ProducerIdAndEpoch.failed(writeFailure(e));
                    }
                    return new ProducerIdAndEpoch(Errors.NONE, newId, (short) 0);
                });
            }, thread);
        }
        TransactionRecord current = entry.current;
        if (entry.writing || current.state().preparing()) {
            return CompletableFuture.completedFuture(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        boolean expects = producerId >= 0;
        boolean retry = expects && producerId == current.producerId() && epoch == current.lastProducerEpoch()
                && current.lastProducerEpoch() >= 0;
        if (expects && !retry && (producerId != current.producerId() || epoch != current.producerEpoch())) {
            // KIP-360: a producer that says who it is must be the current one (or retry its last request).
            return CompletableFuture.completedFuture(ProducerIdAndEpoch.failed(Errors.PRODUCER_FENCED));
        }
        if (current.state() == TransactionState.ONGOING) {
            abortWithBumpedEpoch(entry, "a new producer with the same transactional id started");
            return CompletableFuture.completedFuture(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        if (retry) {
            return CompletableFuture.completedFuture(new ProducerIdAndEpoch(Errors.NONE, current.producerId(),
                    current.producerEpoch()));
        }
        CompletableFuture<Long> nextId = current.producerEpoch() >= Short.MAX_VALUE - 1 ? producerIds.nextId()
                : CompletableFuture.completedFuture(current.producerId());
        return nextId.thenComposeAsync(newId -> {
            if (entry.writing || entry.current != current) {
                // Another request changed the id meanwhile; the client retries.
                return CompletableFuture.completedFuture(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            boolean rotated = newId != current.producerId();
            short newEpoch = rotated ? 0 : (short) (current.producerEpoch() + 1);
            short lastEpoch = expects ? current.producerEpoch() : -1;
            TransactionRecord next = current.withProducer(newId, newEpoch, lastEpoch, timeoutMs,
                    TransactionState.EMPTY, Set.of(), -1, clock.millis());
            return transition(entry, next).handle((v, e) -> e != null ? ProducerIdAndEpoch.failed(writeFailure(e))
                    : new ProducerIdAndEpoch(Errors.NONE, newId, newEpoch));
        }, thread);
    }

    /** Aborts the open transaction under the next epoch, so the producer that had it is fenced everywhere. */
    private void abortWithBumpedEpoch(Entry entry, String why) {
        TransactionRecord current = entry.current;
        short bumped = (short) Math.min(Short.MAX_VALUE, current.producerEpoch() + 1);
        LOG.info("Aborting the transaction of {} (producer {}, epoch {} fenced): {}", current.transactionalId(),
                current.producerId(), current.producerEpoch(), why);
        TransactionRecord prepare = current.withProducer(current.producerId(), bumped, (short) -1,
                current.timeoutMs(), TransactionState.PREPARE_ABORT, current.partitions(), current.txnStartMs(),
                clock.millis());
        transition(entry, prepare).whenComplete((v, e) -> {
            if (e == null) {
                writeMarkers(entry);
            }
        });
    }

    /** The producer's check common to AddPartitionsToTxn, EndTxn and verification; NONE when it passes. */
    private static Errors checkProducer(Entry entry, long producerId, short epoch) {
        if (entry == null || entry.current == null || entry.current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != entry.current.producerEpoch()) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    CompletableFuture<Map<TopicPartition, Errors>> addPartitions(String id, long producerId, short epoch,
                                                                 Set<TopicPartition> partitions) {
        Entry entry = entries.get(id);
        Errors check = checkProducer(entry, producerId, epoch);
        if (check == Errors.NONE && (entry.writing || entry.current.state().preparing())) {
            check = Errors.CONCURRENT_TRANSACTIONS;
        }
        if (check != Errors.NONE) {
            return CompletableFuture.completedFuture(each(partitions, check));
        }
        TransactionRecord current = entry.current;
        if (current.state() == TransactionState.ONGOING && current.partitions().containsAll(partitions)) {
            return CompletableFuture.completedFuture(each(partitions, Errors.NONE));
        }
        Set<TopicPartition> all = new HashSet<>(current.state() == TransactionState.ONGOING ? current.partitions()
                : Set.of());
        all.addAll(partitions);
        long now = clock.millis();
        long start = current.state() == TransactionState.ONGOING ? current.txnStartMs() : now;
        return transition(entry, current.with(TransactionState.ONGOING, all, start, now))
                .handle((v, e) -> each(partitions, e == null ? Errors.NONE : writeFailure(e)));
    }

    /**
     * Whether the partitions are part of the producer's open transaction, as a partition leader asks before the
     * first transactional batch of a producer there (AddPartitionsToTxn with verifyOnly): NONE for those that are,
     * TRANSACTION_ABORTABLE for those that are not.
     */
    Map<TopicPartition, Errors> verify(String id, long producerId, short epoch, Set<TopicPartition> partitions) {
        Entry entry = entries.get(id);
        Errors check = checkProducer(entry, producerId, epoch);
        if (check == Errors.NONE && entry.current.state().preparing()) {
            check = Errors.CONCURRENT_TRANSACTIONS;
        }
        if (check != Errors.NONE) {
            return each(partitions, check);
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        boolean ongoing = entry.current.state() == TransactionState.ONGOING;
        for (TopicPartition tp : partitions) {
            result.put(tp, ongoing && entry.current.partitions().contains(tp) ? Errors.NONE
                    : Errors.TRANSACTION_ABORTABLE);
        }
        return result;
    }

    CompletableFuture<Errors> endTransaction(String id, long producerId, short epoch, boolean commit) {
        Entry entry = entries.get(id);
        Errors check = checkProducer(entry, producerId, epoch);
        if (check != Errors.NONE) {
            return CompletableFuture.completedFuture(check);
        }
        if (entry.writing) {
            return CompletableFuture.completedFuture(Errors.CONCURRENT_TRANSACTIONS);
        }
        TransactionRecord current = entry.current;
        Errors answer = switch (current.state()) {
            case ONGOING -> null;
            // A retry of what is done, or under way, succeeds or waits; the opposite outcome is refused.
            case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
            case COMPLETE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
            case PREPARE_COMMIT -> commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
            case PREPARE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
            case EMPTY -> Errors.INVALID_TXN_STATE;
        };
        if (answer != null) {
            return CompletableFuture.completedFuture(answer);
        }
        TransactionRecord prepare = current.with(commit ? TransactionState.PREPARE_COMMIT
                : TransactionState.PREPARE_ABORT, current.partitions(), current.txnStartMs(), clock.millis());
        return transition(entry, prepare).handle((v, e) -> {
            if (e != null) {
                return writeFailure(e);
            }
            writeMarkers(entry);
            return Errors.NONE;
        });
    }

    /** Writes the markers of a prepared transaction, then records it complete; retried until it is. */
    private void writeMarkers(Entry entry) {
        TransactionRecord prepared = entry.current;
        boolean commit = prepared.state() == TransactionState.PREPARE_COMMIT;
        markers.write(prepared.producerId(), prepared.producerEpoch(), commit,
                        coordinatorEpoch.applyAsInt(entry.partition), prepared.partitions(), () -> !entry.dropped)
                .thenComposeAsync(v -> {
                    if (entry.dropped || entry.current != prepared) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return transition(entry, prepared.with(commit ? TransactionState.COMPLETE_COMMIT
                            : TransactionState.COMPLETE_ABORT, Set.of(), -1, clock.millis()));
                }, thread)
                .whenComplete((v, e) -> {
                    if (e != null && !entry.dropped) {
                        LOG.info("Completing the transaction of {} failed, retrying: {}", prepared.transactionalId(),
                                e.toString());
                        thread.schedule(() -> {
                            if (!entry.dropped && entry.current == prepared) {
                                writeMarkers(entry);
                            }
                        }, RETRY_MS, TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** Aborts the open transactions that ran past their timeout, fencing their producers. */
    void abortExpired() {
        long now = clock.millis();
        for (Entry entry : List.copyOf(entries.values())) {
            TransactionRecord current = entry.current;
            if (current != null && !entry.writing && current.state() == TransactionState.ONGOING
                    && now - current.txnStartMs() > current.timeoutMs()) {
                abortWithBumpedEpoch(entry, "it ran past its timeout of " + current.timeoutMs() + " ms");
            }
        }
    }

    TransactionDescription describe(String id) {
        Entry entry = entries.get(id);
        if (entry == null || entry.current == null) {
            return TransactionDescription.failed(Errors.TRANSACTIONAL_ID_NOT_FOUND);
        }
        return describe(entry.current);
    }

    private static TransactionDescription describe(TransactionRecord r) {
        return new TransactionDescription(r.transactionalId(), Errors.NONE, r.state(), r.producerId(), r.producerEpoch(),
                r.timeoutMs(), r.txnStartMs(), r.partitions());
    }

    List<TransactionDescription> list(Set<String> states, Set<Long> producerIds, long minDurationMs) {
        long now = clock.millis();
        return entries.values().stream().map(e -> e.current).filter(r -> r != null
                        && (states.isEmpty() || states.contains(r.state().kafkaName()))
                        && (producerIds.isEmpty() || producerIds.contains(r.producerId()))
                        && (minDurationMs < 0 || r.txnStartMs() >= 0 && now - r.txnStartMs() >= minDurationMs))
                .map(Transactions::describe).toList();
    }
}
