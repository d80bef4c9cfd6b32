package io.ledgerstream.log.testing;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Crc32C;

/**
 * Edits the bytes of a v2 record batch as a buggy or hostile producer might, then makes its CRC right again, so
 * that tests reach the checks behind the CRC.
 */
public final class BatchBytes {
    /** Where the records begin: right after the 61-byte header. */
    public static final int RECORDS = 61;
    public static final int LENGTH = 8;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int RECORD_COUNT = 57;

    private BatchBytes() {
    }

    /** A copy of {@code batch} (position to limit) in a buffer of its own, positioned at 0. */
    public static ByteBuffer copy(ByteBuffer batch) {
        ByteBuffer copy = ByteBuffer.allocate(batch.remaining()).put(batch.duplicate());
        return copy.flip();
    }

    /** Sets the codec bits of the attributes to {@code codecId} (0 to 7; 5 to 7 name no codec). */
    public static ByteBuffer withCodec(ByteBuffer batch, int codecId) {
        ByteBuffer b = copy(batch);
        b.putShort(ATTRIBUTES, (short) ((b.getShort(ATTRIBUTES) & ~0x07) | codecId));
        return withCrc(b);
    }

    /** Appends {@code extra} bytes after the last record, with the length field grown to cover them. */
    public static ByteBuffer withTrailingBytes(ByteBuffer batch, byte[] extra) {
        ByteBuffer b = ByteBuffer.allocate(batch.remaining() + extra.length).put(batch.duplicate()).put(extra).flip();
        b.putInt(LENGTH, b.getInt(LENGTH) + extra.length);
        return withCrc(b);
    }

    /** Declares {@code count} records (count and last offset delta) whatever the batch holds. */
    public static ByteBuffer withCount(ByteBuffer batch, int count) {
        ByteBuffer b = copy(batch);
        b.putInt(RECORD_COUNT, count);
        b.putInt(LAST_OFFSET_DELTA, count - 1);
        return withCrc(b);
    }

    /** Writes the CRC32C of bytes 21 to the end into the header, as a producer would. */
    public static ByteBuffer withCrc(ByteBuffer b) {
        b.putInt(b.position() + CRC, (int) Crc32C.compute(b, ATTRIBUTES, b.remaining() - ATTRIBUTES));
        return b;
    }
}
