package io.ledgerstream.log.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/**
 * A valid batch as a producer would send it, described by what the fuzz test generated: codec, records with or
 * without keys and headers, idempotent or not.
 */
record FuzzedBatch(CompressionType codec, List<Spec> records, boolean idempotent) {

    /** One record: key and value may be null, timestamps are relative to the time the batch is built. */
    record Spec(String key, byte[] value, List<Header> headers, long timestampOffsetMs) {
        static Header header(String key, byte[] value) {
            return new RecordHeader(key, value);
        }
    }

    /**
     * The batch's bytes, built now with kafka-clients; an idempotent one as the first batch of {@code producerId},
     * which must be new to the partition (a retry of an earlier batch would be answered with that batch's offsets).
     */
    ByteBuffer build(long producerId) {
        long now = System.currentTimeMillis();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(buffer, RecordBatch.MAGIC_VALUE_V2,
                Compression.of(codec).build(), TimestampType.CREATE_TIME, 0, RecordBatch.NO_TIMESTAMP,
                idempotent ? producerId : RecordBatch.NO_PRODUCER_ID,
                idempotent ? 0 : RecordBatch.NO_PRODUCER_EPOCH, idempotent ? 0 : RecordBatch.NO_SEQUENCE, false, false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH, Integer.MAX_VALUE);
        for (Spec r : records) {
            builder.append(now + r.timestampOffsetMs(), r.key() == null ? null : r.key().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), r.value(), r.headers().toArray(Header[]::new));
        }
        return builder.build().buffer();
    }

    @Override
    public String toString() {
        return codec.name + " batch of " + records.size() + " records" + (idempotent ? ", idempotent" : "");
    }
}
