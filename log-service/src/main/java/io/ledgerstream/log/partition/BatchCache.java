package io.ledgerstream.log.partition;

import com.google.errorprone.annotations.ThreadSafe;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The most recently acknowledged batches of one partition, kept in memory within the broker's
 * {@link CacheBudget} so that readers of recent data (tailing consumers, and those catching up on what was just
 * written) never touch the bookies. Batches are added in offset order; the budget evicts the oldest first.
 *
 * <p>Thread-safe: one writer adds, many readers read concurrently.
 */
@ThreadSafe
public final class BatchCache {
    private final CacheBudget budget;
    private final ConcurrentSkipListMap<Long, ByteBuffer> batches = new ConcurrentSkipListMap<>();

    public BatchCache(CacheBudget budget) {
        this.budget = budget;
    }

    /** Adds an acknowledged batch (kept as a read-only view); the budget then evicts the oldest beyond it. */
    public void add(ByteBuffer batch) {
        if (!budget.enabled()) {
            return;
        }
        ByteBuffer view = batch.asReadOnlyBuffer();
        long base = RecordBatches.baseOffset(view);
        if (batches.putIfAbsent(base, view) != null) {
            return;
        }
        budget.added(this, base, view.remaining());
    }

    /** Lets go of the batch at {@code baseOffset}, if still held; called by the budget. */
    void evict(long baseOffset) {
        ByteBuffer batch = batches.remove(baseOffset);
        if (batch != null) {
            release(batch);
        }
    }

    /** Whether the batch at {@code baseOffset} is still held. */
    boolean holds(long baseOffset) {
        return batches.containsKey(baseOffset);
    }

    /** Lets go of everything (the log closed). */
    public void clear() {
        Map.Entry<Long, ByteBuffer> e;
        while ((e = batches.pollFirstEntry()) != null) {
            release(e.getValue());
        }
    }

    private void release(ByteBuffer batch) {
        budget.released(batch.remaining());
    }

    /**
     * The cached batches from the one holding {@code offset}, contiguous, below {@code limitOffset}, up to
     * {@code maxBytes} (at least one).
     *
     * @return the batches, or null when the batch holding {@code offset} is not cached
     */
    public List<ByteBuffer> read(long offset, int maxBytes, long limitOffset) {
        Map.Entry<Long, ByteBuffer> first = holding(offset);
        if (first == null) {
            return null;
        }
        List<ByteBuffer> result = new ArrayList<>();
        long expected = first.getKey();
        int size = 0;
        for (ByteBuffer batch : batches.tailMap(first.getKey()).values()) {
            long base = RecordBatches.baseOffset(batch);
            if (base != expected || base >= limitOffset || (!result.isEmpty() && size + batch.remaining() > maxBytes)) {
                break;
            }
            result.add(batch.duplicate());
            size += batch.remaining();
            expected = RecordBatches.nextOffset(batch);
        }
        // Empty when the batch found was evicted meanwhile: a miss, not an empty read.
        return result.isEmpty() ? null : result;
    }

    /** Whether the batch holding {@code offset} is cached. */
    public boolean covers(long offset) {
        return holding(offset) != null;
    }

    private Map.Entry<Long, ByteBuffer> holding(long offset) {
        Map.Entry<Long, ByteBuffer> batch = batches.floorEntry(offset);
        return batch == null || RecordBatches.lastOffset(batch.getValue()) < offset ? null : batch;
    }

    /** Drops batches that end below {@code offset} (after retention moved the log start). */
    public void truncateBelow(long offset) {
        Map.Entry<Long, ByteBuffer> e;
        while ((e = batches.firstEntry()) != null && RecordBatches.nextOffset(e.getValue()) <= offset) {
            if (batches.remove(e.getKey(), e.getValue())) {
                release(e.getValue());
            }
        }
    }

}
