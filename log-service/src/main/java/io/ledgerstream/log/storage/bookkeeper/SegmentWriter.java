package io.ledgerstream.log.storage.bookkeeper;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import org.apache.bookkeeper.client.api.WriteHandle;

/**
 * The write side of a segment the append pipeline opened: entries handed out and in flight, whether it is sealing,
 * and, for a ledger written with deferred sync, its {@link LedgerForcer}.
 *
 * <p>Not thread-safe: every mutable field is guarded by the append pipeline's lock.
 */
final class SegmentWriter {
    final Segment segment;
    final WriteHandle handle;
    /** Forces the ledger on the topic's flush settings; null for a ledger whose every entry is fsynced. */
    final LedgerForcer forcer;
    long nextEntryId;
    int inFlight;
    long bytesWritten;
    boolean sealing;

    SegmentWriter(Segment segment, WriteHandle handle, LedgerForcer forcer) {
        this.segment = segment;
        this.handle = handle;
        this.forcer = forcer;
    }

    /**
     * Writes {@code direct} (a batch in direct memory; the caller keeps its reference) as the ledger's next entry:
     * BookKeeper reads the bytes and releases the reference it is given. Call it outside the pipeline's lock.
     */
    CompletableFuture<Long> write(ByteBuf direct) {
        try {
            return handle.appendAsync(direct.retainedDuplicate());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether the ledger acknowledges entries before their journal fsync. */
    boolean deferred() {
        return forcer != null;
    }

    /**
     * Closes the ledger, a deferred-sync one once forced, as BookKeeper closes one at its last forced entry; a ledger
     * whose force fails is abandoned to {@code ledgers}, left open for the next writer to recover. Call it outside
     * the pipeline's lock: it calls the BookKeeper client.
     */
    CompletableFuture<Void> forceAndClose(BookKeeperLedgers ledgers) {
        CompletableFuture<Void> forced = !deferred() ? CompletableFuture.completedFuture(null)
                : forcer.forceForClose().whenComplete((v, e) -> {
                    if (e != null) {
                        ledgers.abandon(handle);
                    }
                });
        return forced.thenCompose(v -> ledgers.close(handle));
    }
}
