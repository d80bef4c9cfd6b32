package io.ledgerstream.log.partition;

import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Rewrites a validated batch with the codec a topic's {@code compression.type} demands, as Kafka's broker does when
 * that differs from the producer's: the same records (offset deltas, timestamps, keys, values, headers) and the same
 * producer id, epoch and sequence, compressed anew. The only place where the log re-encodes records.
 *
 * <p>Stateless.
 */
public final class BatchRecompressor {
    private BatchRecompressor() {
    }

    /** A new buffer holding {@code batch}'s records compressed with {@code target}; {@code batch} is only read. */
    public static ByteBuffer recompress(ByteBuffer batch, Compression target) {
        MutableRecordBatch source = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator().next();
        ByteBuffer out = ByteBuffer.allocate(Math.max(256, batch.remaining() + batch.remaining() / 8));
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(out, RecordBatch.MAGIC_VALUE_V2, target,
                TimestampType.CREATE_TIME, source.baseOffset(), RecordBatch.NO_TIMESTAMP, source.producerId(),
                source.producerEpoch(), source.baseSequence(), source.isTransactional(), false,
                source.partitionLeaderEpoch(), out.capacity());
        try (CloseableIterator<Record> records = source.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record record = records.next();
                builder.appendWithOffset(record.offset(), record.timestamp(), record.key(), record.value(),
                        record.headers());
            }
        }
        return builder.build().buffer();
    }
}
