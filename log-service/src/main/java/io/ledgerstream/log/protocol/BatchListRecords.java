package io.ledgerstream.log.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * The record batches of one partition read, as a response field: the connection writes them one after another as
 * they are, so a fetch never copies what it read into one buffer first.
 */
public final class BatchListRecords implements BaseRecords {
    private final List<ByteBuffer> batches;
    private final int sizeInBytes;

    public BatchListRecords(List<ByteBuffer> batches) {
        this.batches = List.copyOf(batches);
        this.sizeInBytes = batches.stream().mapToInt(ByteBuffer::remaining).sum();
    }

    /** The batches, in offset order; callers must not move their positions. */
    public List<ByteBuffer> batches() {
        return batches;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** For kafka-clients' own network layer, which wants one buffer: the batches joined. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        ByteBuffer joined = ByteBuffer.allocate(sizeInBytes);
        batches.forEach(b -> joined.put(b.duplicate()));
        return MemoryRecords.readableRecords(joined.flip()).toSend();
    }
}
