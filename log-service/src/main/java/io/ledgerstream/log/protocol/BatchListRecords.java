package io.ledgerstream.log.protocol;

import com.google.errorprone.annotations.ThreadSafe;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordsSend;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * The record batches of one partition read, as a response field: the connection writes the buffers themselves to
 * the socket (off-heap slices of the tail cache, or what was read from the bookies), so a fetch never copies what it
 * read into one buffer first.
 *
 * <p>Ownership: reference-counted. It takes over one reference to each batch it is given and releases them when its
 * own count drops to zero. Whoever holds the response releases it once: the connection after encoding it (the encoded
 * buffer then holds references of its own until the socket write completes), or whoever drops the response unsent.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class BatchListRecords extends AbstractReferenceCounted implements BaseRecords {
    private final List<ByteBuf> batches;
    private final int sizeInBytes;

    /** Takes over one reference to each of {@code batches}. */
    public BatchListRecords(List<ByteBuf> batches) {
        this.batches = List.copyOf(batches);
        this.sizeInBytes = batches.stream().mapToInt(ByteBuf::readableBytes).sum();
    }

    /**
     * Releases the batches a response holds (a fetch's) and leaves it without records; nothing for other responses.
     * For a response that will not be written, or whose records are encoded already. Calling it again does nothing.
     */
    public static void releaseFrom(AbstractResponse response) {
        if (response instanceof FetchResponse fetch) {
            for (FetchResponseData.FetchableTopicResponse topic : fetch.data().responses()) {
                for (FetchResponseData.PartitionData partition : topic.partitions()) {
                    if (partition.records() instanceof BatchListRecords owned) {
                        partition.setRecords(MemoryRecords.EMPTY);
                        owned.release();
                    }
                }
            }
        }
    }

    /** The batches, in offset order, valid while this is not released; callers must not move their indexes. */
    public List<ByteBuf> batches() {
        if (refCnt() == 0) {
            throw new IllegalStateException("The batches of the response were released already");
        }
        return batches;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** For kafka-clients' own network layer, which wants one buffer: the batches joined in a heap copy. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        ByteBuffer joined = ByteBuffer.allocate(sizeInBytes);
        batches().forEach(b -> joined.put(b.nioBuffer()));
        return MemoryRecords.readableRecords(joined.flip()).toSend();
    }

    @Override
    protected void deallocate() {
        batches.forEach(ByteBuf::release);
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        batches.forEach(b -> b.touch(hint));
        return this;
    }
}
