package io.ledgerstream.log.partition;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.metadata.AbortedTransaction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Batches read from a partition, in offset order, each one whole Kafka v2 record batch as it was stored; callers must
 * not modify them. The first batch holds the offset asked for (it may start below it), except in a compacted log,
 * where the offsets have gaps: the first batch then holds the next offset that remains.
 *
 * <p>Ownership: a result owns one reference to each of its buffers (off-heap slices of the tail cache, or heap
 * buffers read from the bookies) and whoever receives it must {@link #close} it once done with the bytes; closing
 * is idempotent. A consumer that hands the bytes on (a fetch response) takes references of its own with
 * {@link #retainedBuffers} before closing.
 *
 * <p>Thread-safe; the bytes are not to be read after {@link #close}.
 */
@ThreadSafe
public final class ReadResult implements AutoCloseable {
    private final List<ByteBuf> buffers;
    private final long highWatermark;
    private final long logStartOffset;
    private final long lastStableOffset;
    private final List<AbortedTransaction> abortedTransactions;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param buffers             whole batches, one reference each given to the result; empty when the read was at
     *                            the high watermark (at the last stable offset, for read_committed)
     * @param highWatermark       offset after the last acknowledged record at the time of the read
     * @param logStartOffset      the first readable offset at the time of the read
     * @param lastStableOffset    below it every transaction is decided
     * @param abortedTransactions for a read_committed read: the aborted transactions with records among the batches
     */
    public ReadResult(List<ByteBuf> buffers, long highWatermark, long logStartOffset, long lastStableOffset,
                      List<AbortedTransaction> abortedTransactions) {
        this.buffers = List.copyOf(buffers);
        this.highWatermark = highWatermark;
        this.logStartOffset = logStartOffset;
        this.lastStableOffset = lastStableOffset;
        this.abortedTransactions = List.copyOf(abortedTransactions);
    }

    /** A read_uncommitted read of a log without open transactions. */
    public ReadResult(List<ByteBuf> buffers, long highWatermark, long logStartOffset) {
        this(buffers, highWatermark, logStartOffset, highWatermark, List.of());
    }

    /** Heap batches (read from the bookies) as buffers a result can own; releasing them costs nothing. */
    public static List<ByteBuf> heap(List<ByteBuffer> batches) {
        List<ByteBuf> buffers = new ArrayList<>(batches.size());
        batches.forEach(b -> buffers.add(Unpooled.wrappedBuffer(b.duplicate())));
        return buffers;
    }

    /** The batches, still owned by this result: valid until it is closed. */
    public List<ByteBuf> buffers() {
        checkOpen();
        return buffers;
    }

    /** The batches as read-only views of the same memory; valid until the result is closed. */
    public List<ByteBuffer> batches() {
        checkOpen();
        List<ByteBuffer> views = new ArrayList<>(buffers.size());
        buffers.forEach(b -> views.add(b.nioBuffer().asReadOnlyBuffer()));
        return views;
    }

    /** Slices of the batches with a reference each, which the caller owns and must release. */
    public List<ByteBuf> retainedBuffers() {
        checkOpen();
        List<ByteBuf> retained = new ArrayList<>(buffers.size());
        buffers.forEach(b -> retained.add(b.retainedSlice()));
        return retained;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long lastStableOffset() {
        return lastStableOffset;
    }

    public List<AbortedTransaction> abortedTransactions() {
        return abortedTransactions;
    }

    /** Whether the read returned no batch. */
    public boolean isEmpty() {
        return buffers.isEmpty();
    }

    /** Offset after the last record of the last batch; only for a result with batches. */
    public long nextOffset() {
        checkOpen();
        return RecordBatches.nextOffset(buffers.get(buffers.size() - 1));
    }

    /** Total bytes of the batches. */
    public int sizeInBytes() {
        int size = 0;
        for (ByteBuf b : buffers) {
            size += b.readableBytes();
        }
        return size;
    }

    /** Releases this result's references; a second call does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            buffers.forEach(ByteBuf::release);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The read's buffers were released already");
        }
    }
}
