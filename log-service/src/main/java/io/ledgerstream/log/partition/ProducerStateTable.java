package io.ledgerstream.log.partition;

import java.nio.ByteBuffer;
import io.ledgerstream.log.metadata.AbortedTransaction;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;

/**
 * What one partition knows of each idempotent or transactional producer: its epoch, its last five batches
 * (sequence range and offsets), the window kafka-clients may retry within, its last batch's timestamp, and the
 * first offset of its open transaction. Decides for each new batch whether it is the next in sequence, a duplicate
 * of a recent one (answered with the original offsets), out of order, or from a fenced epoch; forgets producers
 * silent for longer than {@code producer.id.expiration.ms} that have no open transaction. Keeps the first offset of
 * the oldest open transaction (the last stable offset's bound) and the {@link AbortedTransactions aborted-transaction
 * index}.
 *
 * <p>Not thread-safe: the partition log calls it under its lock, in offset order.
 */
public final class ProducerStateTable {
    /** Batches remembered per producer: kafka-clients keeps at most five in flight per partition. */
    static final int WINDOW = 5;

    /** A batch as remembered: its sequence range, its offsets and the future its append completes. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                         CompletableFuture<AppendResult> appended) {
    }

    private static final class Producer {
        short epoch;
        long lastTimestamp;
        /** First offset of the open transaction, -1 when there is none. */
        long txnFirstOffset = -1;
        /** The coordinator epoch of the newest marker, -1 before any. */
        int coordinatorEpoch = -1;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(WINDOW);
    }

    private final Map<Long, Producer> producers = new HashMap<>();
    /** The open transactions by their first offset: the smallest bounds the last stable offset. */
    private final TreeMap<Long, Long> openTransactions = new TreeMap<>();
    private final AbortedTransactions aborted = new AbortedTransactions();

    /**
     * Checks a batch of an idempotent producer.
     *
     * @return null when the batch is new and in sequence, else the future of the original append it duplicates
     * @throws InvalidProducerEpochException if the epoch is older than the producer's current one
     * @throws OutOfOrderSequenceException   if the sequence does not follow the last batch's
     */
    public CompletableFuture<AppendResult> check(long producerId, short epoch, int firstSeq, int lastSeq) {
        Producer producer = producers.get(producerId);
        if (producer == null || epoch > producer.epoch) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Producer " + producerId + " epoch " + epoch
                        + " starts at sequence " + firstSeq + "; a new producer or epoch must start at 0");
            }
            return null;
        }
        if (epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Producer " + producerId + " epoch " + epoch
                    + " is older than the current epoch " + producer.epoch);
        }
        for (BatchMetadata batch : producer.batches) {
            if (batch.firstSeq() == firstSeq && batch.lastSeq() == lastSeq) {
                return batch.appended();
            }
        }
        BatchMetadata last = producer.batches.peekLast();
        int expected = last == null ? 0 : next(last.lastSeq());
        if (firstSeq != expected) {
            throw new OutOfOrderSequenceException("Producer " + producerId + " sent sequence " + firstSeq
                    + " but " + expected + " was expected");
        }
        return null;
    }

    /**
     * Checks the epoch of a transactional batch without a sequence (the broker's own: offsets committed with a
     * transaction).
     *
     * @throws InvalidProducerEpochException if it is older than the producer's current epoch
     */
    public void checkEpoch(long producerId, short epoch) {
        Producer producer = producers.get(producerId);
        if (producer != null && epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Producer " + producerId + " epoch " + epoch
                    + " is older than the current epoch " + producer.epoch);
        }
    }

    /** Records an accepted batch at the offsets it was given, with its newest record timestamp. */
    public void record(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                       long maxTimestamp, CompletableFuture<AppendResult> appended) {
        Producer producer = producers.computeIfAbsent(producerId, id -> new Producer());
        producer.lastTimestamp = maxTimestamp;
        if (epoch != producer.epoch) {
            producer.epoch = epoch;
            producer.batches.clear();
        }
        if (producer.batches.size() == WINDOW) {
            producer.batches.pollFirst();
        }
        producer.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, appended));
    }

    /** Learns from a stored batch, when rebuilding the table from the log. */
    public void replay(ByteBuffer batch) {
        long producerId = RecordBatches.producerId(batch);
        if (producerId < 0) {
            return;
        }
        long base = RecordBatches.baseOffset(batch);
        short epoch = RecordBatches.producerEpoch(batch);
        if (RecordBatches.isControl(batch)) {
            try {
                fence(producerId, epoch, TransactionMarkers.coordinatorEpoch(batch));
            } catch (ApiException e) {
                // Stored, so it was accepted when appended: replay takes the log as it is.
            }
            completeTransaction(producerId, base, TransactionMarkers.isCommit(batch),
                    RecordBatches.maxTimestamp(batch));
            return;
        }
        if (RecordBatches.isTransactionalOrControl(batch)) {
            beginTransaction(producerId, base);
        }
        int firstSeq = RecordBatches.baseSequence(batch);
        if (firstSeq < 0) {
            return;
        }
        long last = RecordBatches.lastOffset(batch);
        record(producerId, epoch, firstSeq, lastSequence(batch), base, last,
                RecordBatches.maxTimestamp(batch), CompletableFuture.completedFuture(new AppendResult(base, last)));
    }

    /**
     * Checks a transaction marker's epochs and lets it fence the producer: a marker with a newer producer epoch
     * (written when the coordinator bumped the epoch to abort) makes every later batch of an older epoch
     * INVALID_PRODUCER_EPOCH.
     *
     * @throws TransactionCoordinatorFencedException if a marker of a newer coordinator epoch came before
     * @throws InvalidProducerEpochException         if the marker's producer epoch is older than the producer's
     */
    public void fence(long producerId, short epoch, int coordinatorEpoch) {
        Producer producer = producers.get(producerId);
        if (producer == null) {
            producer = new Producer();
            producer.epoch = epoch;
            producer.coordinatorEpoch = coordinatorEpoch;
            producers.put(producerId, producer);
            return;
        }
        if (coordinatorEpoch < producer.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("Transaction marker of producer " + producerId
                    + " has coordinator epoch " + coordinatorEpoch + ", older than " + producer.coordinatorEpoch);
        }
        if (epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Transaction marker of producer " + producerId + " has epoch "
                    + epoch + ", older than the current epoch " + producer.epoch);
        }
        producer.coordinatorEpoch = coordinatorEpoch;
        if (epoch > producer.epoch) {
            producer.epoch = epoch;
            producer.batches.clear();
        }
    }

    /** Notes a transactional batch at {@code offset}: the first one of the producer's transaction opens it. */
    public void beginTransaction(long producerId, long offset) {
        Producer producer = producers.computeIfAbsent(producerId, id -> new Producer());
        if (producer.txnFirstOffset < 0) {
            producer.txnFirstOffset = offset;
            openTransactions.put(offset, producerId);
        }
    }

    /**
     * Ends the producer's open transaction at its marker's offset; an aborted one enters the aborted index. A
     * marker for a producer with no open transaction here (a retried marker) changes nothing.
     */
    public void completeTransaction(long producerId, long markerOffset, boolean commit, long timestamp) {
        Producer producer = producers.computeIfAbsent(producerId, id -> new Producer());
        producer.lastTimestamp = Math.max(producer.lastTimestamp, timestamp);
        if (producer.txnFirstOffset < 0) {
            return;
        }
        openTransactions.remove(producer.txnFirstOffset);
        if (!commit) {
            aborted.add(new AbortedTransaction(producerId, producer.txnFirstOffset, markerOffset));
        }
        producer.txnFirstOffset = -1;
    }

    /** Whether the producer has a transaction open here. */
    public boolean hasOpenTransaction(long producerId) {
        Producer producer = producers.get(producerId);
        return producer != null && producer.txnFirstOffset >= 0;
    }

    /** The first offset of the oldest open transaction, or {@link Long#MAX_VALUE} when none is open. */
    public long firstUnstableOffset() {
        return openTransactions.isEmpty() ? Long.MAX_VALUE : openTransactions.firstKey();
    }

    /** The aborted-transaction index. */
    public AbortedTransactions aborted() {
        return aborted;
    }

    /** Sequence number of the batch's last record (sequences wrap after Integer.MAX_VALUE). */
    public static int lastSequence(ByteBuffer batch) {
        long last = (long) RecordBatches.baseSequence(batch) + RecordBatches.lastOffsetDelta(batch);
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    private static int next(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /**
     * Forgets the producers whose last batch is {@code expirationMs} or more older than {@code nowMs}, as Kafka
     * does by the batch timestamp. A forgotten producer that comes back is met as new: a batch not at sequence 0
     * gets OUT_OF_ORDER_SEQUENCE_NUMBER, and kafka-clients bumps its epoch and goes on.
     *
     * @return producers forgotten
     */
    public int expire(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(p -> p.txnFirstOffset < 0 && nowMs - p.lastTimestamp >= expirationMs);
        return before - producers.size();
    }

    /**
     * What the table knows of batches below {@code offset} (the high watermark: acknowledged batches only), to be
     * stored and restored on the next open; a producer with neither such a batch nor a transaction open below it is
     * left out.
     */
    public ProducerSnapshot snapshot(long offset) {
        List<ProducerSnapshot.Producer> kept = new ArrayList<>();
        producers.forEach((id, producer) -> {
            List<ProducerSnapshot.Batch> batches = new ArrayList<>();
            for (BatchMetadata b : producer.batches) {
                if (b.lastOffset() < offset) {
                    batches.add(new ProducerSnapshot.Batch(b.firstSeq(), b.lastSeq(), b.firstOffset(), b.lastOffset()));
                }
            }
            long txnFirst = producer.txnFirstOffset < offset ? producer.txnFirstOffset : -1;
            if (!batches.isEmpty() || txnFirst >= 0 || producer.coordinatorEpoch >= 0) {
                kept.add(new ProducerSnapshot.Producer(id, producer.epoch, producer.lastTimestamp, txnFirst,
                        producer.coordinatorEpoch, batches));
            }
        });
        return new ProducerSnapshot(offset, kept, aborted.below(offset));
    }

    /** Starts from a stored snapshot; the log after its offset is then replayed on top. */
    public void restore(ProducerSnapshot snapshot) {
        producers.clear();
        openTransactions.clear();
        for (ProducerSnapshot.Producer p : snapshot.producers()) {
            Producer producer = producers.computeIfAbsent(p.producerId(), id -> new Producer());
            producer.epoch = p.epoch();
            producer.lastTimestamp = p.lastTimestamp();
            producer.coordinatorEpoch = p.coordinatorEpoch();
            if (p.txnFirstOffset() >= 0) {
                beginTransaction(p.producerId(), p.txnFirstOffset());
            }
            for (ProducerSnapshot.Batch b : p.batches()) {
                record(p.producerId(), p.epoch(), b.firstSeq(), b.lastSeq(), b.firstOffset(), b.lastOffset(),
                        p.lastTimestamp(), CompletableFuture.completedFuture(
                                new AppendResult(b.firstOffset(), b.lastOffset())));
            }
        }
        aborted.restore(snapshot.aborted());
    }

    /** A producer as DescribeProducers shows it. */
    public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp,
                                 int coordinatorEpoch, long currentTxnStartOffset) {
    }

    /** Every producer known, as DescribeProducers shows them. */
    public List<ActiveProducer> active() {
        List<ActiveProducer> result = new ArrayList<>();
        producers.forEach((id, p) -> {
            BatchMetadata last = p.batches.peekLast();
            result.add(new ActiveProducer(id, p.epoch, last == null ? -1 : last.lastSeq(), p.lastTimestamp,
                    p.coordinatorEpoch, p.txnFirstOffset));
        });
        return result;
    }

    /** Producers known. */
    public int size() {
        return producers.size();
    }
}
