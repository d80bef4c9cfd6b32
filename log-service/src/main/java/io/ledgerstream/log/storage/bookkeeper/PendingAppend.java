package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.LogException;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One append of the {@link AppendPipeline} between offset assignment and completion.
 *
 * <p>Not thread-safe: its mutable fields are guarded by the pipeline's lock.
 */
final class PendingAppend {
    enum State { WAITING, WRITTEN, FAILED }

    final ByteBuffer batch;
    final long baseOffset;
    final long lastOffset;
    /** The time stamped on the batch when its topic uses log append time, else -1. */
    final long logAppendTimeMs;
    /** For a transaction marker: whether it commits; null for a batch of records. */
    final Boolean commit;
    final CompletableFuture<AppendResult> future = new CompletableFuture<>();
    State state = State.WAITING;
    LogException error;
    SegmentWriter writer;
    long entryId = -1;
    /** Once WRITTEN: the bytes BookKeeper wrote, off the heap, one reference, until handed to the cache. */
    ByteBuf direct;

    PendingAppend(ByteBuffer batch, long baseOffset, long lastOffset, long logAppendTimeMs, Boolean commit) {
        this.batch = batch;
        this.baseOffset = baseOffset;
        this.lastOffset = lastOffset;
        this.logAppendTimeMs = logAppendTimeMs;
        this.commit = commit;
    }

    /** The written bytes' reference, handed over once. */
    ByteBuf takeDirect() {
        ByteBuf taken = direct;
        direct = null;
        return taken;
    }
}
