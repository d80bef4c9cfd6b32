package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readers of a partition log waiting for its high watermark to move up (fetches long-polling at the end): each wait
 * ends at the next move, or at once once the log has closed, and leaves the set when it ends or is cancelled.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
final class HighWatermarkWaiters {
    private final Set<CompletableFuture<Void>> waiters = ConcurrentHashMap.newKeySet();
    /** Set once the log closed: every wait ends at once. */
    private volatile boolean released;

    /** A wait that ends at the next move of the high watermark. */
    CompletableFuture<Void> next() {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        waiter.whenComplete((v, e) -> waiters.remove(waiter));
        if (released) {
            waiter.complete(null);
        }
        return waiter;
    }

    /** The waits under way now, to be ended (outside any lock) because the high watermark moved. */
    List<CompletableFuture<Void>> current() {
        return List.copyOf(waiters);
    }

    int size() {
        return waiters.size();
    }

    /** Ends every wait, now and from now on: the log closed. */
    void release() {
        released = true;
        List.copyOf(waiters).forEach(w -> w.complete(null));
    }
}
