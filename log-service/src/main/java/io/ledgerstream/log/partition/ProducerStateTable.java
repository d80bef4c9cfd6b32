package io.ledgerstream.log.partition;

import java.nio.ByteBuffer;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

/**
 * What one partition knows of each idempotent producer: its epoch, its last five batches (sequence range and
 * offsets), the window kafka-clients may retry within, and its last batch's timestamp. Decides for each new batch
 * whether it is the next in sequence, a duplicate of a recent one (answered with the original offsets), out of
 * order, or from a fenced epoch; forgets producers silent for longer than {@code producer.id.expiration.ms}.
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
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(WINDOW);
    }

    private final Map<Long, Producer> producers = new HashMap<>();

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
        int firstSeq = RecordBatches.baseSequence(batch);
        if (producerId < 0 || firstSeq < 0) {
            return;
        }
        long base = RecordBatches.baseOffset(batch);
        long last = RecordBatches.lastOffset(batch);
        record(producerId, RecordBatches.producerEpoch(batch), firstSeq, lastSequence(batch), base, last,
                RecordBatches.maxTimestamp(batch), CompletableFuture.completedFuture(new AppendResult(base, last)));
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
        producers.values().removeIf(p -> nowMs - p.lastTimestamp >= expirationMs);
        return before - producers.size();
    }

    /**
     * What the table knows of batches below {@code offset} (the high watermark: acknowledged batches only), to be
     * stored and restored on the next open; a producer with no such batch is left out.
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
            if (!batches.isEmpty()) {
                kept.add(new ProducerSnapshot.Producer(id, producer.epoch, producer.lastTimestamp, batches));
            }
        });
        return new ProducerSnapshot(offset, kept);
    }

    /** Starts from a stored snapshot; the log after its offset is then replayed on top. */
    public void restore(ProducerSnapshot snapshot) {
        producers.clear();
        for (ProducerSnapshot.Producer p : snapshot.producers()) {
            for (ProducerSnapshot.Batch b : p.batches()) {
                record(p.producerId(), p.epoch(), b.firstSeq(), b.lastSeq(), b.firstOffset(), b.lastOffset(),
                        p.lastTimestamp(), CompletableFuture.completedFuture(
                                new AppendResult(b.firstOffset(), b.lastOffset())));
            }
        }
    }

    /** Producers known. */
    public int size() {
        return producers.size();
    }
}
