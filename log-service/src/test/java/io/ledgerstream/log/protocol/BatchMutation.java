package io.ledgerstream.log.protocol;

import io.ledgerstream.log.testing.BatchBytes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * One way a buggy or hostile producer may damage a valid batch. Most keep the CRC right, so that the broker's checks
 * behind the CRC are what decides.
 */
sealed interface BatchMutation {

    ByteBuffer apply(ByteBuffer valid);

    /** No damage at all. */
    record Intact() implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            return BatchBytes.copy(valid);
        }
    }

    /** XORs one byte (chosen by a share of the batch's size) with {@code mask}, then maybe fixes the CRC. */
    record FlipByte(int per10000, int mask, boolean fixCrc) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            ByteBuffer b = BatchBytes.copy(valid);
            int at = (int) ((long) per10000 * b.remaining() / 10_000);
            b.put(at, (byte) (b.get(at) ^ mask));
            return fixCrc && at >= BatchBytes.ATTRIBUTES ? BatchBytes.withCrc(b) : b;
        }
    }

    /** Overwrites one byte of the records (lengths, varints, attributes of records) and fixes the CRC. */
    record SetRecordByte(int per10000, int value) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            ByteBuffer b = BatchBytes.copy(valid);
            int span = b.remaining() - BatchBytes.RECORDS;
            b.put(BatchBytes.RECORDS + (int) ((long) per10000 * span / 10_000), (byte) value);
            return BatchBytes.withCrc(b);
        }
    }

    /** Declares another record count, with or without the matching last offset delta. */
    record WrongCount(int delta, boolean withDelta) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            int count = valid.getInt(valid.position() + BatchBytes.RECORD_COUNT) + delta;
            if (withDelta) {
                return BatchBytes.withCount(valid, count);
            }
            ByteBuffer b = BatchBytes.copy(valid);
            b.putInt(BatchBytes.RECORD_COUNT, count);
            return BatchBytes.withCrc(b);
        }
    }

    /** Sets the codec bits: another real codec over the bytes, or an id (5 to 7) that names none. */
    record Codec(int id) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            return BatchBytes.withCodec(valid, id);
        }
    }

    /** Cuts bytes off the end, with the length field and CRC made to match or left lying. */
    record Truncate(int bytes, boolean consistent) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            ByteBuffer b = BatchBytes.copy(valid);
            int cut = Math.min(bytes, b.remaining() - BatchBytes.RECORDS);
            b.limit(b.remaining() - cut);
            if (!consistent) {
                return b;
            }
            b.putInt(BatchBytes.LENGTH, b.getInt(BatchBytes.LENGTH) - cut);
            return BatchBytes.withCrc(b);
        }
    }

    /**
     * XORs one byte of the records as the producer compressed them (lengths, varints, fields inside the stream), then
     * compresses them again, so that the damage is behind both the CRC and the codec.
     */
    record InnerFlip(int per10000, int mask) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            return BatchBytes.withInnerRecords(valid, inner -> {
                int at = (int) ((long) per10000 * inner.length / 10_000);
                inner[at] ^= (byte) mask;
                return inner;
            });
        }
    }

    /** Makes the first record claim a body of {@code size} bytes (up to 2 GiB) inside the (compressed) records. */
    record InnerLength(int size) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            return BatchBytes.withInnerRecords(valid, inner -> {
                ByteBuffer original = ByteBuffer.wrap(inner);
                ByteUtils.readVarint(original);
                ByteBuffer changed = ByteBuffer.allocate(inner.length + 5);
                ByteUtils.writeVarint(size, changed);
                changed.put(original);
                return Arrays.copyOf(changed.array(), changed.position());
            });
        }
    }

    /** Adds bytes after the last record, covered by the length field and CRC. */
    record Trailing(byte[] extra) implements BatchMutation {
        public ByteBuffer apply(ByteBuffer valid) {
            return BatchBytes.withTrailingBytes(valid, extra);
        }

        @Override
        public String toString() {
            return "Trailing[" + extra.length + " bytes]";
        }
    }
}
