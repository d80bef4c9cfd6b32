package io.ledgerstream.log.partition;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The most recently acknowledged batches of one partition, kept off the heap in reference-counted Netty buffers
 * within the broker's {@link CacheBudget}, so that readers of recent data (tailing consumers, and those catching up
 * on what was just written) never touch the bookies, and the collector never copies what the cache holds. Batches are
 * added in offset order; the budget evicts the oldest first.
 *
 * <p>Ownership: the cache holds one reference to each batch, given to it by {@link #add}; eviction, truncation and
 * {@link #clear} release it. A read hands out retained slices, one reference each, which the reader releases when
 * it is done (a fetch: once its response is written to the socket); eviction never frees what a reader holds.
 *
 * <p>Thread-safe: one writer adds, many readers read concurrently. Taking a batch out and releasing it happens
 * under the write lock and retaining it for a reader under the read lock, so a reader never retains a buffer that
 * was released back to the pool (whose object Netty may already have recycled for another allocation).
 */
@ThreadSafe
public final class BatchCache {
    /** A batch held, with the offset after it, read once when it was added. */
    private record Held(ByteBuf batch, long nextOffset) {
        int bytes() {
            return batch.readableBytes();
        }
    }

    private final CacheBudget budget;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * A concurrent map, read without the lock where no buffer is touched ({@link #covers}); the lock orders taking a
     * batch out and releasing it (write lock) against retaining it for a reader (read lock).
     */
    private final ConcurrentSkipListMap<Long, Held> batches = new ConcurrentSkipListMap<>();
    /** Closed with its log: takes nothing more (appends completing late are released at once). */
    @GuardedBy("lock")
    private boolean closed;

    public BatchCache(CacheBudget budget) {
        this.budget = budget;
    }

    /**
     * Adds an acknowledged batch, taking over the one reference the caller gives: the cache releases it when it lets
     * the batch go, or at once when it does not keep it (caching disabled, or the offset held already). The budget
     * then evicts the oldest beyond it. The caller must not modify the bytes afterwards.
     */
    public void add(ByteBuf batch) {
        if (!budget.enabled()) {
            batch.release();
            return;
        }
        long base = batch.getLong(batch.readerIndex());
        Held held = new Held(batch, RecordBatches.nextOffset(batch));
        boolean added;
        lock.writeLock().lock();
        try {
            added = !closed && batches.putIfAbsent(base, held) == null;
        } finally {
            lock.writeLock().unlock();
        }
        if (!added) {
            batch.release();
            return;
        }
        budget.added(this, base, held.bytes());
    }

    /** Lets go of the batch at {@code baseOffset}, if still held; called by the budget. */
    void evict(long baseOffset) {
        Held held;
        lock.writeLock().lock();
        try {
            held = batches.remove(baseOffset);
            if (held != null) {
                held.batch().release();
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (held != null) {
            budget.released(held.bytes());
        }
    }

    /** Whether the batch at {@code baseOffset} is still held. */
    boolean holds(long baseOffset) {
        return batches.containsKey(baseOffset);
    }

    /** Lets go of everything, and of every batch added from now on (the log closed). */
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        clear();
    }

    /** Lets go of everything held. */
    public void clear() {
        truncateBelow(Long.MAX_VALUE);
    }

    /**
     * The cached batches from the one holding {@code offset}, contiguous, below {@code limitOffset}, up to
     * {@code maxBytes} (at least one), each a retained slice the caller owns and must release.
     *
     * @return the batches, or null when the batch holding {@code offset} is not cached
     */
    public List<ByteBuf> read(long offset, int maxBytes, long limitOffset) {
        List<ByteBuf> result = new ArrayList<>();
        lock.readLock().lock();
        try {
            Map.Entry<Long, Held> first = holding(offset);
            if (first == null) {
                return null;
            }
            long expected = first.getKey();
            int size = 0;
            for (Map.Entry<Long, Held> e : batches.tailMap(first.getKey()).entrySet()) {
                long base = e.getKey();
                Held held = e.getValue();
                if (base != expected || base >= limitOffset || (!result.isEmpty() && size + held.bytes() > maxBytes)) {
                    break;
                }
                result.add(held.batch().retainedSlice());
                size += held.bytes();
                expected = held.nextOffset();
            }
        } finally {
            lock.readLock().unlock();
        }
        return result.isEmpty() ? null : result;
    }

    /** Whether the batch holding {@code offset} is cached. */
    public boolean covers(long offset) {
        return holding(offset) != null;
    }

    private Map.Entry<Long, Held> holding(long offset) {
        Map.Entry<Long, Held> batch = batches.floorEntry(offset);
        return batch == null || batch.getValue().nextOffset() <= offset ? null : batch;
    }

    /** Drops batches that end below {@code offset} (after retention moved the log start). */
    public void truncateBelow(long offset) {
        List<Held> released = new ArrayList<>();
        lock.writeLock().lock();
        try {
            Map.Entry<Long, Held> e;
            while ((e = batches.firstEntry()) != null && e.getValue().nextOffset() <= offset) {
                batches.remove(e.getKey());
                e.getValue().batch().release();
                released.add(e.getValue());
            }
        } finally {
            lock.writeLock().unlock();
        }
        released.forEach(h -> budget.released(h.bytes()));
    }
}
