package io.ledgerstream.connectors.postgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The one split of a {@code postgres-cdc} source: its replication slot and how far the records it emitted go.
 * Immutable; the reader makes a new one at each checkpoint.
 *
 * @param lsn the end LSN of the last transaction whose records were all emitted (the slot's consistent point
 *     right after the snapshot); streaming resumes there
 * @param emittedOfNext records of the next transaction already emitted, to skip when it is decoded again
 * @param snapshotDone whether the initial snapshot was emitted whole; if not, a restart takes it again
 */
record CdcSplit(String slot, long lsn, long emittedOfNext, boolean snapshotDone) implements SourceSplit {
    static CdcSplit initial(String slot) {
        return new CdcSplit(slot, 0, 0, false);
    }

    @Override
    public String splitId() {
        return slot;
    }

    /** Version 1: slot (UTF), lsn, emittedOfNext (longs), snapshotDone (boolean). */
    static final class Serializer implements SimpleVersionedSerializer<CdcSplit> {
        static final Serializer INSTANCE = new Serializer();
        private static final int VERSION = 1;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(CdcSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(split, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public CdcSplit deserialize(int version, byte[] serialized) throws IOException {
            if (version != VERSION) {
                throw new IOException("Unknown postgres-cdc split version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }

        static void write(CdcSplit split, DataOutputStream out) throws IOException {
            out.writeUTF(split.slot());
            out.writeLong(split.lsn());
            out.writeLong(split.emittedOfNext());
            out.writeBoolean(split.snapshotDone());
        }

        static CdcSplit read(DataInputStream in) throws IOException {
            return new CdcSplit(in.readUTF(), in.readLong(), in.readLong(), in.readBoolean());
        }
    }
}
