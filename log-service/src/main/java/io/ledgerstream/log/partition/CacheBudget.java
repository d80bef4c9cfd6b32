package io.ledgerstream.log.partition;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One byte budget for the batch caches of every partition a broker serves ({@code log.cache.bytes}): batches are
 * evicted in the order they were added, across partitions, so the memory goes to the most recent writes wherever
 * they landed, much as the page cache serves a Kafka broker.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class CacheBudget {
    private record Added(BatchCache cache, long baseOffset) {
    }

    private final long capacityBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<Added> order = new ConcurrentLinkedQueue<>();
    /** Entries in {@link #order}, and how many of them a cache still holds; the rest were truncated or cleared. */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong held = new AtomicLong();

    public CacheBudget(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** Whether anything may be cached at all. */
    boolean enabled() {
        return capacityBytes > 0;
    }

    /** Accounts for a batch a cache took, then evicts the oldest batches of any cache beyond the budget. */
    void added(BatchCache cache, long baseOffset, int bytes) {
        order.add(new Added(cache, baseOffset));
        queued.incrementAndGet();
        held.incrementAndGet();
        long used = usedBytes.addAndGet(bytes);
        while (used > capacityBytes) {
            Added oldest = order.poll();
            if (oldest == null) {
                break;
            }
            queued.decrementAndGet();
            oldest.cache().evict(oldest.baseOffset());
            used = usedBytes.get();
        }
        if (queued.get() > 2 * held.get() + 1024) {
            dropStale();
        }
    }

    /** Accounts for a batch a cache let go of (evicted, truncated or cleared). */
    void released(int bytes) {
        usedBytes.addAndGet(-bytes);
        held.decrementAndGet();
    }

    /** Forgets queue entries whose batch is gone, so that truncated or closed caches do not pile up here. */
    private void dropStale() {
        order.removeIf(a -> !a.cache().holds(a.baseOffset()));
        // A count, not exact under concurrent adds and polls: it only decides when to look again.
        queued.set(order.size());
    }

    /** Bytes held by all caches. */
    public long usedBytes() {
        return usedBytes.get();
    }
}
