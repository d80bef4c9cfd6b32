package io.ledgerstream.log.network;

import io.ledgerstream.log.protocol.BatchListRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Encodes a response header and body into one Netty buffer: the fields go into pooled buffers, record batches are
 * added as components as they are (a fetch answered from the tail cache: slices of the cache's own off-heap buffers).
 * A fetch response of megabytes is thus never copied into a fresh array.
 *
 * <p>Not thread-safe: each {@link #encode} call makes and uses its own instance.
 */
final class ByteBufWritable implements Writable {
    private static final int FIELDS_AFTER_RECORDS_BYTES = 256;

    private final ByteBufAllocator allocator;
    private final CompositeByteBuf out;
    private ByteBuf fields;

    private ByteBufWritable(ByteBufAllocator allocator, int fieldBytes) {
        this.allocator = allocator;
        this.out = allocator.compositeBuffer(Integer.MAX_VALUE);
        this.fields = allocator.buffer(fieldBytes);
    }

    /** The header then the body, encoded at the given versions; the caller owns (and releases) the buffer. */
    static ByteBuf encode(ByteBufAllocator allocator, Message header, short headerVersion, Message body,
                          short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBufWritable writable = new ByteBufWritable(allocator, size.sizeExcludingZeroCopy());
        boolean done = false;
        try {
            header.write(writable, cache, headerVersion);
            body.write(writable, cache, version);
            ByteBuf encoded = writable.finish();
            done = true;
            return encoded;
        } finally {
            if (!done) {
                writable.releaseAll();
            }
        }
    }

    /** After a failure: the buffer being filled (unless handed to the composite already) and the composite. */
    private void releaseAll() {
        if (fields != null) {
            fields.release();
        }
        out.release();
    }

    private ByteBuf finish() {
        ByteBuf last = fields;
        fields = null;
        if (last.isReadable()) {
            out.addComponent(true, last);
        } else {
            last.release();
        }
        return out;
    }

    @Override
    public void writeByte(byte value) {
        fields.writeByte(value);
    }

    @Override
    public void writeShort(short value) {
        fields.writeShort(value);
    }

    @Override
    public void writeInt(int value) {
        fields.writeInt(value);
    }

    @Override
    public void writeLong(long value) {
        fields.writeLong(value);
    }

    @Override
    public void writeDouble(double value) {
        fields.writeDouble(value);
    }

    @Override
    public void writeByteArray(byte[] array) {
        fields.writeBytes(array);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buffer) {
        fields.writeBytes(buffer.duplicate());
    }

    @Override
    public void writeUnsignedVarint(int value) {
        int v = value;
        while ((v & ~0x7f) != 0) {
            fields.writeByte((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        fields.writeByte(v);
    }

    @Override
    public void writeVarint(int value) {
        writeUnsignedVarint((value << 1) ^ (value >> 31));
    }

    @Override
    public void writeVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7fL) != 0) {
            fields.writeByte((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        fields.writeByte((int) v);
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof BatchListRecords list) {
            // Each batch goes in as a retained slice: the encoded buffer holds its own reference until Netty has
            // written it to the socket (or failed to), whatever the response's owner does with the records.
            list.batches().forEach(batch -> addComponent(batch.retainedSlice()));
        } else if (records instanceof MemoryRecords memory) {
            if (memory.buffer().hasRemaining()) {
                addComponent(Unpooled.wrappedBuffer(memory.buffer().duplicate()));
            }
        } else {
            throw new IllegalArgumentException("Cannot encode records of type " + records.getClass().getName());
        }
    }

    /** Adds records as they are, after the fields written so far; the composite takes over the reference. */
    private void addComponent(ByteBuf records) {
        boolean handedOver = false;
        try {
            if (records.isReadable()) {
                if (fields.isReadable()) {
                    ByteBuf full = fields;
                    fields = null;
                    out.addComponent(true, full);
                    fields = allocator.buffer(FIELDS_AFTER_RECORDS_BYTES);
                }
                // The composite owns it from here, and releases it itself should adding fail.
                handedOver = true;
                out.addComponent(true, records);
            }
        } finally {
            if (!handedOver) {
                records.release();
            }
        }
    }
}
