package io.ledgerstream.log.transaction;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.network.BrokerClient;
import io.ledgerstream.log.partition.PartitionLogs;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this broker: for every partition of {@code __transaction_state} it leads, the
 * transactional ids placed there, loaded on take-over (their transactions left in a prepare state are completed),
 * and the transaction APIs answered as Kafka's coordinator answers them ({@link Transactions}). Requests for a
 * partition it does not lead get NOT_COORDINATOR; while one loads, COORDINATOR_LOAD_IN_PROGRESS.
 *
 * <p>Thread-safe: all transaction state lives on one thread; every call hops onto it and returns a future.
 */
@ThreadSafe
public final class TransactionCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledgerstream-transaction-coordinator");
        t.setDaemon(true);
        return t;
    });
    private final int partitionCount;
    private final PartitionLogs logs;
    private final Clock clock;
    private final Transactions transactions;
    private final int maxTimeoutMs;
    /** Leader epoch of each partition this broker coordinates or is loading, by partition; confined to the thread. */
    private final Map<Integer, Integer> loading = new HashMap<>();
    private final Map<Integer, Integer> active = new HashMap<>();

    /**
     * @param brokerId         this broker's id: markers of the partitions it leads are written without a request
     * @param partitionCount   partitions of {@code __transaction_state}
     * @param maxTimeoutMs     {@code transaction.max.timeout.ms}
     * @param abortIntervalMs  how often transactions that ran past their timeout are looked for and aborted
     */
    public TransactionCoordinator(int brokerId, int partitionCount, PartitionLogs logs, ClusterView cluster,
                                  BrokerClient brokers, PartitionMarkers localMarkers,
                                  ProducerIdAllocator producerIds, Clock clock, int maxTimeoutMs,
                                  long abortIntervalMs) {
        this.partitionCount = partitionCount;
        this.logs = logs;
        this.clock = clock;
        this.maxTimeoutMs = maxTimeoutMs;
        MarkerWriter markers = new MarkerWriter(brokerId, cluster, brokers, localMarkers, thread);
        this.transactions = new Transactions(thread, clock, producerIds, markers,
                p -> new TransactionLog(logs, p, clock), this::coordinatorEpoch);
        thread.scheduleWithFixedDelay(transactions::abortExpired, abortIntervalMs, abortIntervalMs,
                TimeUnit.MILLISECONDS);
    }

    /** The topic holding transaction state. */
    public static String topic() {
        return TransactionLog.TOPIC;
    }

    /** The partition of the transaction state topic that a transactional id belongs to. */
    public int partitionFor(String transactionalId) {
        return TransactionLog.partitionFor(transactionalId, partitionCount);
    }

    public int partitionCount() {
        return partitionCount;
    }

    private <T> CompletableFuture<T> onThread(Supplier<CompletableFuture<T>> work) {
        return io.ledgerstream.log.concurrent.Futures.on(thread, work);
    }

    /**
     * Starts coordinating the transactional ids of {@code partition}, led here in {@code epoch}: loads them, then
     * completes every transaction found in a prepare state. A {@link #resign} meanwhile wins.
     */
    public CompletableFuture<Void> elect(int partition, int epoch) {
        return onThread(() -> {
            if (Integer.valueOf(epoch).equals(active.get(partition)) || Integer.valueOf(epoch).equals(
                    loading.get(partition))) {
                return CompletableFuture.completedFuture(null);
            }
            active.remove(partition);
            transactions.unload(partition);
            loading.put(partition, epoch);
            return new TransactionLog(logs, partition, clock).load().handleAsync((loaded, error) -> {
                if (!Integer.valueOf(epoch).equals(loading.get(partition))) {
                    return null;
                }
                loading.remove(partition);
                if (error != null) {
                    LOG.warn("Could not load the transactions of {}-{}: {}", TransactionLog.TOPIC, partition,
                            error.toString());
                    throw new java.util.concurrent.CompletionException(error);
                }
                active.put(partition, epoch);
                transactions.load(partition, loaded.values());
                LOG.info("Coordinating transactions of {}-{} (epoch {}): loaded {} transactional id(s)",
                        TransactionLog.TOPIC, partition, epoch, loaded.size());
                return null;
            }, thread);
        });
    }

    /** Stops coordinating {@code partition}'s transactional ids (its leadership moved). */
    public CompletableFuture<Void> resign(int partition) {
        return onThread(() -> {
            loading.remove(partition);
            if (active.remove(partition) != null) {
                LOG.info("No longer coordinating transactions of {}-{}", TransactionLog.TOPIC, partition);
            }
            transactions.unload(partition);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** The coordinator epoch markers carry: the leader epoch of the partition; -1 when not coordinating it. */
    private int coordinatorEpoch(int partition) {
        return active.getOrDefault(partition, -1);
    }

    /** NONE when this broker coordinates the id now, else the error to answer with. */
    private Errors role(String transactionalId) {
        int partition = partitionFor(transactionalId);
        if (active.containsKey(partition)) {
            return Errors.NONE;
        }
        return loading.containsKey(partition) ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NOT_COORDINATOR;
    }

    /** Runs {@code work} if this broker coordinates the id; an empty id is INVALID_REQUEST first, as in Kafka. */
    private <T> CompletableFuture<T> asCoordinator(String transactionalId, Supplier<CompletableFuture<T>> work,
                                                   Function<Errors, T> refusal) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(refusal.apply(Errors.INVALID_REQUEST));
        }
        return onThread(() -> {
            Errors role = role(transactionalId);
            return role == Errors.NONE ? work.get() : CompletableFuture.completedFuture(refusal.apply(role));
        });
    }

    /** InitProducerId with a transactional id; the timeout is checked first, as Kafka does, on any broker. */
    public CompletableFuture<ProducerIdAndEpoch> initProducerId(String transactionalId, int timeoutMs,
                                                                            long producerId, short epoch) {
        if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
            return CompletableFuture.completedFuture(ProducerIdAndEpoch.failed(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        return asCoordinator(transactionalId,
                () -> transactions.initProducerId(transactionalId, partitionFor(transactionalId), timeoutMs,
                        producerId, epoch),
                ProducerIdAndEpoch::failed);
    }

    /** AddPartitionsToTxn: an outcome per partition. */
    public CompletableFuture<Map<TopicPartition, Errors>> addPartitions(String transactionalId, long producerId,
                                                                        short epoch, Set<TopicPartition> partitions) {
        return asCoordinator(transactionalId,
                () -> transactions.addPartitions(transactionalId, producerId, epoch, partitions),
                error -> Transactions.each(partitions, error));
    }

    /** AddPartitionsToTxn with verifyOnly: whether the partitions are part of the producer's open transaction. */
    public CompletableFuture<Map<TopicPartition, Errors>> verify(String transactionalId, long producerId, short epoch,
                                                                 Set<TopicPartition> partitions) {
        return asCoordinator(transactionalId,
                () -> CompletableFuture.completedFuture(transactions.verify(transactionalId, producerId, epoch,
                        partitions)),
                error -> Transactions.each(partitions, error));
    }

    /** EndTxn. */
    public CompletableFuture<Errors> endTransaction(String transactionalId, long producerId, short epoch,
                                                    boolean commit) {
        return asCoordinator(transactionalId,
                () -> transactions.endTransaction(transactionalId, producerId, epoch, commit), error -> error);
    }

    /** DescribeTransactions of one id. */
    public CompletableFuture<TransactionDescription> describe(String transactionalId) {
        return asCoordinator(transactionalId,
                () -> CompletableFuture.completedFuture(transactions.describe(transactionalId)),
                TransactionDescription::failed);
    }

    /**
     * ListTransactions: the ids coordinated here in one of {@code states} (empty: any), of one of
     * {@code producerIds} (empty: any), open for at least {@code minDurationMs} (-1: any).
     */
    public CompletableFuture<List<TransactionDescription>> list(Set<String> states, Set<Long> producerIds,
                                                                  long minDurationMs) {
        return onThread(() -> CompletableFuture.completedFuture(new ArrayList<>(
                transactions.list(states, producerIds, minDurationMs))));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
