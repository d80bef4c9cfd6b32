package io.ledgerstream.log.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/** Builds Kafka v2 record batches with kafka-clients, as a producer would, and reads records back out of them. */
public final class TestBatches {
    private TestBatches() {
    }

    /** A batch of {@code count} records with keys {@code prefix-i}, values of {@code valueSize} bytes. */
    public static ByteBuffer batch(String prefix, int count, int valueSize, long timestamp) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueSize];
            Arrays.fill(value, (byte) ('a' + (i % 26)));
            records[i] = new SimpleRecord(timestamp, (prefix + "-" + i).getBytes(UTF_8), value);
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    /** One record per batch, keyed {@code key}. */
    public static ByteBuffer single(String key, long timestamp) {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(timestamp, key.getBytes(UTF_8), ("value-of-" + key).getBytes(UTF_8))).buffer();
    }

    /** One record per batch: {@code value} under {@code key}; a null value makes it a tombstone. */
    public static ByteBuffer keyed(String key, String value, long timestamp) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestamp, key.getBytes(UTF_8),
                value == null ? null : value.getBytes(UTF_8))).buffer();
    }

    /** A batch of an idempotent producer: {@code count} records from sequence {@code baseSequence}. */
    public static ByteBuffer idempotent(long producerId, short epoch, int baseSequence, int count, long timestamp) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(timestamp, ("p" + producerId + "-" + (baseSequence + i)).getBytes(UTF_8),
                    "v".getBytes(UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records)
                .buffer();
    }

    /** One record per batch without a key. */
    public static ByteBuffer keyless(String value, long timestamp) {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(timestamp, null, value.getBytes(UTF_8))).buffer();
    }

    /** A record as read back with its value: null for a tombstone. */
    public record Entry(long offset, String key, String value) {
    }

    /** The records of stored batches with their values, in order. */
    public static List<Entry> entries(List<ByteBuffer> batches) {
        List<Entry> result = new ArrayList<>();
        for (ByteBuffer batch : batches) {
            for (RecordBatch b : MemoryRecords.readableRecords(batch.duplicate()).batches()) {
                b.ensureValid();
                for (Record r : b) {
                    result.add(new Entry(r.offset(), r.hasKey() ? UTF_8.decode(r.key()).toString() : null,
                            r.hasValue() ? UTF_8.decode(r.value()).toString() : null));
                }
            }
        }
        return result;
    }

    /** A record as read back: its offset and key. */
    public record KeyAtOffset(long offset, String key) {
    }

    /** The records of stored batches, in order. */
    public static List<KeyAtOffset> records(List<ByteBuffer> batches) {
        List<KeyAtOffset> result = new ArrayList<>();
        for (ByteBuffer batch : batches) {
            MemoryRecords records = MemoryRecords.readableRecords(batch.duplicate());
            for (RecordBatch b : records.batches()) {
                b.ensureValid();
                for (Record r : b) {
                    byte[] key = new byte[r.keySize()];
                    r.key().get(key);
                    result.add(new KeyAtOffset(r.offset(), new String(key, UTF_8)));
                }
            }
        }
        return result;
    }
}
