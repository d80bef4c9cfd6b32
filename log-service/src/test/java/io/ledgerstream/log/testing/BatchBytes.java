package io.ledgerstream.log.testing;

import io.ledgerstream.log.partition.RecordBatches;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.Crc32C;

/**
 * Edits the bytes of a v2 record batch as a buggy or hostile producer might, then makes its CRC right again, so
 * that tests reach the checks behind the CRC.
 */
public final class BatchBytes {
    /** Where the records begin: right after the 61-byte header. */
    public static final int RECORDS = RecordBatches.HEADER_SIZE;
    public static final int LENGTH = 8;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = RecordBatches.LAST_OFFSET_DELTA;
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

    /**
     * The batch with its records (decompressed, when compressed) replaced by {@code change} of them, compressed again
     * with the batch's codec; the header is kept but for the length field and CRC, which are made to match.
     */
    public static ByteBuffer withInnerRecords(ByteBuffer batch, UnaryOperator<byte[]> change) {
        ByteBuffer b = copy(batch);
        Compression codec = Compression.of(CompressionType.forId(b.getShort(ATTRIBUTES) & 0x07)).build();
        byte[] inner;
        try (InputStream in = codec.wrapForInput(b.duplicate().position(RECORDS).slice(),
                RecordBatch.MAGIC_VALUE_V2, BufferSupplier.NO_CACHING)) {
            inner = change.apply(in.readAllBytes());
            ByteBufferOutputStream out = new ByteBufferOutputStream(RECORDS + inner.length + 64);
            out.write(b.array(), b.arrayOffset(), RECORDS);
            try (OutputStream compressed = codec.wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
                compressed.write(inner);
            }
            ByteBuffer result = out.buffer().flip();
            result.putInt(LENGTH, result.remaining() - 12);
            return withCrc(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the CRC32C of bytes 21 to the end into the header, as a producer would. */
    public static ByteBuffer withCrc(ByteBuffer b) {
        b.putInt(b.position() + CRC, (int) Crc32C.compute(b, ATTRIBUTES, b.remaining() - ATTRIBUTES));
        return b;
    }
}
