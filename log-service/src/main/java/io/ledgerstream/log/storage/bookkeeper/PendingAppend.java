package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.LogException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** One append between offset assignment and completion. Confined to the owning partition log's lock. */
final class PendingAppend {
    enum State { WAITING, WRITTEN, FAILED }

    final ByteBuffer batch;
    final long baseOffset;
    final long lastOffset;
    /** The time stamped on the batch when its topic uses log append time, else -1. */
    final long logAppendTimeMs;
    final CompletableFuture<AppendResult> future = new CompletableFuture<>();
    State state = State.WAITING;
    LogException error;
    Segment segment;
    long entryId = -1;

    PendingAppend(ByteBuffer batch, long baseOffset, long lastOffset, long logAppendTimeMs) {
        this.batch = batch;
        this.baseOffset = baseOffset;
        this.lastOffset = lastOffset;
        this.logAppendTimeMs = logAppendTimeMs;
    }
}
