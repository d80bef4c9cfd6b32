package io.ledgerstream.log.partition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most recently acknowledged batches of one partition, kept in memory up to a byte budget so that tailing
 * readers never touch the bookies. Batches are added in offset order; the oldest are evicted first.
 *
 * <p>Thread-safe: one writer adds, many readers read concurrently.
 */
public final class BatchCache {
    private final long capacityBytes;
    private final ConcurrentSkipListMap<Long, ByteBuffer> batches = new ConcurrentSkipListMap<>();
    private final AtomicLong sizeBytes = new AtomicLong();

    public BatchCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** Adds an acknowledged batch (kept as a read-only view) and evicts the oldest beyond the budget. */
    public void add(ByteBuffer batch) {
        if (capacityBytes <= 0) {
            return;
        }
        ByteBuffer view = batch.asReadOnlyBuffer();
        batches.put(RecordBatches.baseOffset(view), view);
        long size = sizeBytes.addAndGet(view.remaining());
        while (size > capacityBytes) {
            Map.Entry<Long, ByteBuffer> oldest = batches.pollFirstEntry();
            if (oldest == null) {
                break;
            }
            size = sizeBytes.addAndGet(-oldest.getValue().remaining());
        }
    }

    /**
     * The cached batches from the one holding {@code offset}, contiguous, below {@code limitOffset}, up to
     * {@code maxBytes} (at least one).
     *
     * @return the batches, or null when the batch holding {@code offset} is not cached
     */
    public List<ByteBuffer> read(long offset, int maxBytes, long limitOffset) {
        Map.Entry<Long, ByteBuffer> first = batches.floorEntry(offset);
        if (first == null || RecordBatches.lastOffset(first.getValue()) < offset) {
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
        return result;
    }

    /** Drops batches that end below {@code offset} (after retention moved the log start). */
    public void truncateBelow(long offset) {
        Map.Entry<Long, ByteBuffer> e;
        while ((e = batches.firstEntry()) != null && RecordBatches.nextOffset(e.getValue()) <= offset) {
            if (batches.remove(e.getKey(), e.getValue())) {
                sizeBytes.addAndGet(-e.getValue().remaining());
            }
        }
    }

    /** Bytes held. */
    public long sizeBytes() {
        return sizeBytes.get();
    }
}
