package io.ledgerstream.log.partition;

import io.ledgerstream.log.partition.InvalidRecordBatchException.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Crc32C;

/**
 * Reads and checks the header of a Kafka v2 record batch in place, relative to the buffer's position. The
 * header (61 bytes, big-endian):
 * <pre>
 *  0 baseOffset int64        | 21 attributes int16      | 43 producerId int64
 *  8 batchLength int32       | 23 lastOffsetDelta int32 | 51 producerEpoch int16
 * 12 partitionLeaderEpoch i32| 27 baseTimestamp int64   | 53 baseSequence int32
 * 16 magic int8              | 35 maxTimestamp int64    | 57 recordCount int32
 * 17 crc uint32 (CRC32C of bytes 21..end)
 * </pre>
 * Base offset and leader epoch lie outside the CRC, which is why the broker may set them without re-encoding.
 */
public final class RecordBatches {
    /** Size of the v2 batch header. */
    public static final int HEADER_SIZE = 61;

    private static final int BASE_OFFSET = 0;
    private static final int LENGTH = 8;
    private static final int PARTITION_LEADER_EPOCH = 12;
    private static final int MAGIC = 16;
    private static final int CRC = 17;
    private static final int ATTRIBUTES = 21;
    /** Position of the last offset delta in the header. */
    public static final int LAST_OFFSET_DELTA = 23;
    private static final int MAX_TIMESTAMP = 35;
    private static final int RECORD_COUNT = 57;
    private static final int PRODUCER_ID = 43;
    private static final int PRODUCER_EPOCH = 51;
    private static final int BASE_SEQUENCE = 53;
    private static final int CODEC_MASK = 0x07;
    private static final int LOG_APPEND_TIME_FLAG = 0x08;
    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;
    /** Bytes before the part counted by the length field: base offset and the length itself. */
    private static final int LOG_OVERHEAD = 12;

    private RecordBatches() {
    }

    /**
     * Checks that the bytes from position to limit are exactly one intact v2 batch no larger than
     * {@code maxBatchBytes}.
     *
     * @throws InvalidRecordBatchException  if truncated, of another magic, damaged or self-contradictory
     * @throws RecordBatchTooLargeException if larger than {@code maxBatchBytes}
     */
    public static void validate(ByteBuffer batch, int maxBatchBytes) {
        int size = batch.remaining();
        if (size < HEADER_SIZE) {
            throw new InvalidRecordBatchException(Reason.TRUNCATED,
                    "Record batch of " + size + " bytes is shorter than the " + HEADER_SIZE + "-byte v2 header");
        }
        int p = batch.position();
        byte magic = batch.get(p + MAGIC);
        if (magic != 2) {
            throw new InvalidRecordBatchException(Reason.UNSUPPORTED_MAGIC,
                    "Record batch has magic byte " + magic + "; only v2 record batches (magic 2) are accepted");
        }
        int declared = batch.getInt(p + LENGTH) + LOG_OVERHEAD;
        if (declared > size) {
            throw new InvalidRecordBatchException(Reason.TRUNCATED,
                    "Record batch declares " + declared + " bytes but only " + size + " were given");
        }
        if (declared != size) {
            throw new InvalidRecordBatchException(Reason.INVALID_HEADER,
                    "Record batch declares " + declared + " bytes but " + size
                            + " were given; exactly one batch is expected");
        }
        if (size > maxBatchBytes) {
            throw new RecordBatchTooLargeException(size, maxBatchBytes);
        }
        long stored = Integer.toUnsignedLong(batch.getInt(p + CRC));
        long computed = Crc32C.compute(batch, ATTRIBUTES, size - ATTRIBUTES);
        if (stored != computed) {
            throw new InvalidRecordBatchException(Reason.CRC_MISMATCH,
                    "Record batch is corrupt: stored CRC " + stored + " but computed " + computed);
        }
        int count = recordCount(batch);
        if (count < 1 || lastOffsetDelta(batch) != count - 1) {
            // Kafka's INVALID_RECORD: an offset range that does not match the record count.
            throw new InvalidRecordBatchException(Reason.INVALID_RECORD, "Record batch has " + count
                    + " records but last offset delta " + lastOffsetDelta(batch) + "; expected count - 1");
        }
    }

    /**
     * Splits the bytes from position to limit into whole batches by their length fields, without copying.
     *
     * @throws InvalidRecordBatchException if the bytes do not divide into whole batches
     */
    public static java.util.List<ByteBuffer> split(ByteBuffer records) {
        java.util.List<ByteBuffer> batches = new java.util.ArrayList<>();
        ByteBuffer rest = records.duplicate();
        while (rest.hasRemaining()) {
            if (rest.remaining() < LOG_OVERHEAD) {
                throw new InvalidRecordBatchException(Reason.TRUNCATED,
                        rest.remaining() + " trailing bytes do not hold a record batch header");
            }
            int size = rest.getInt(rest.position() + LENGTH) + LOG_OVERHEAD;
            if (size < HEADER_SIZE || size > rest.remaining()) {
                throw new InvalidRecordBatchException(Reason.TRUNCATED, "Record batch declares " + size
                        + " bytes but " + rest.remaining() + " remain");
            }
            ByteBuffer batch = rest.slice();
            batch.limit(size);
            batches.add(batch);
            rest.position(rest.position() + size);
        }
        return batches;
    }

    public static long baseOffset(ByteBuffer batch) {
        return batch.getLong(batch.position() + BASE_OFFSET);
    }

    public static int lastOffsetDelta(ByteBuffer batch) {
        return batch.getInt(batch.position() + LAST_OFFSET_DELTA);
    }

    /** Offset of the batch's last record. */
    public static long lastOffset(ByteBuffer batch) {
        return baseOffset(batch) + lastOffsetDelta(batch);
    }

    /** Offset after the batch's last record. */
    public static long nextOffset(ByteBuffer batch) {
        return lastOffset(batch) + 1;
    }

    /** Offset after the last record of a batch held in a Netty buffer (from its reader index). */
    public static long nextOffset(ByteBuf batch) {
        return batch.getLong(batch.readerIndex() + BASE_OFFSET) + batch.getInt(batch.readerIndex() + LAST_OFFSET_DELTA)
                + 1;
    }

    public static int recordCount(ByteBuffer batch) {
        return batch.getInt(batch.position() + RECORD_COUNT);
    }

    /** The record count of a batch held in a Netty buffer (from its reader index). */
    public static int recordCount(ByteBuf batch) {
        return batch.getInt(batch.readerIndex() + RECORD_COUNT);
    }

    /** The idempotent producer's id, or -1 for a batch without one. */
    public static long producerId(ByteBuffer batch) {
        return batch.getLong(batch.position() + PRODUCER_ID);
    }

    public static short producerEpoch(ByteBuffer batch) {
        return batch.getShort(batch.position() + PRODUCER_EPOCH);
    }

    /** Sequence number of the batch's first record, or -1 without an idempotent producer. */
    public static int baseSequence(ByteBuffer batch) {
        return batch.getInt(batch.position() + BASE_SEQUENCE);
    }

    /** Whether the batch is a control batch (a transaction marker), which only the broker writes. */
    public static boolean isControl(ByteBuffer batch) {
        return (batch.getShort(batch.position() + ATTRIBUTES) & CONTROL_FLAG) != 0;
    }

    /** Whether the batch belongs to a transaction, or is a transaction marker. */
    public static boolean isTransactionalOrControl(ByteBuffer batch) {
        return (batch.getShort(batch.position() + ATTRIBUTES) & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) != 0;
    }

    public static long maxTimestamp(ByteBuffer batch) {
        return batch.getLong(batch.position() + MAX_TIMESTAMP);
    }

    /** The id of the codec the batch's records are compressed with: 0 to 4 name Kafka's codecs, 5 to 7 none. */
    public static int codecId(ByteBuffer batch) {
        return batch.getShort(batch.position() + ATTRIBUTES) & CODEC_MASK;
    }

    /** Whether the batch's records carry the time it was appended rather than their producer's. */
    public static boolean logAppendTime(ByteBuffer batch) {
        return (batch.getShort(batch.position() + ATTRIBUTES) & LOG_APPEND_TIME_FLAG) != 0;
    }

    /**
     * Sets the batch's timestamp type and newest timestamp, as Kafka's broker does on append, recomputing the CRC
     * when they change; the records are untouched. Consumers read every record of a log-append-time batch at
     * {@code maxTimestamp}.
     */
    public static void setMaxTimestamp(ByteBuffer batch, boolean logAppendTime, long maxTimestamp) {
        int p = batch.position();
        short attributes = batch.getShort(p + ATTRIBUTES);
        short wanted = (short) (logAppendTime ? attributes | LOG_APPEND_TIME_FLAG : attributes & ~LOG_APPEND_TIME_FLAG);
        if (wanted == attributes && maxTimestamp(batch) == maxTimestamp) {
            return;
        }
        batch.putShort(p + ATTRIBUTES, wanted);
        batch.putLong(p + MAX_TIMESTAMP, maxTimestamp);
        batch.putInt(p + CRC, (int) Crc32C.compute(batch, ATTRIBUTES, batch.remaining() - ATTRIBUTES));
    }

    /**
     * Sets the batch's base sequence, recomputing the CRC: the broker's own transactional batches (offsets committed
     * with a transaction) carry none, as only their epoch is checked.
     */
    public static void setBaseSequence(ByteBuffer batch, int sequence) {
        int p = batch.position();
        batch.putInt(p + BASE_SEQUENCE, sequence);
        batch.putInt(p + CRC, (int) Crc32C.compute(batch, ATTRIBUTES, batch.remaining() - ATTRIBUTES));
    }

    /** Writes the offsets and the writer's epoch into the header, leaving records and CRC untouched. */
    public static void assign(ByteBuffer batch, long baseOffset, int leaderEpoch) {
        batch.putLong(batch.position() + BASE_OFFSET, baseOffset);
        batch.putInt(batch.position() + PARTITION_LEADER_EPOCH, leaderEpoch);
    }
}
