package io.ledgerstream.connectors.jdbc.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Splits in checkpoints. Version 1: the split id (UTF), then the timestamp and the incrementing value, each a
 * presence byte and, if present, the text (UTF). {@link Pending} writes the enumerator's unassigned splits as a
 * count followed by splits in the same form.
 *
 * <p>Stateless and thread-safe.
 */
final class TableSplitSerializer implements SimpleVersionedSerializer<TableSplit> {
    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(TableSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public TableSplit deserialize(int version, byte[] serialized) throws IOException {
        checkVersion(version);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(TableSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.splitId());
        writeNullable(split.position().timestamp(), out);
        writeNullable(split.position().incrementing(), out);
    }

    static TableSplit read(DataInputStream in) throws IOException {
        String id = in.readUTF();
        return new TableSplit(id, new TablePosition(readNullable(in), readNullable(in)));
    }

    private static void checkVersion(int version) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of a jdbc source split (this build reads "
                    + VERSION + ")");
        }
    }

    private static void writeNullable(String text, DataOutputStream out) throws IOException {
        out.writeBoolean(text != null);
        if (text != null) {
            out.writeUTF(text);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** The enumerator's checkpoint: the splits not assigned to a reader. */
    static final class Pending implements SimpleVersionedSerializer<List<TableSplit>> {
        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(List<TableSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (TableSplit split : splits) {
                    write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<TableSplit> deserialize(int version, byte[] serialized) throws IOException {
            checkVersion(version);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int count = in.readInt();
                List<TableSplit> splits = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    splits.add(read(in));
                }
                return splits;
            }
        }
    }
}
