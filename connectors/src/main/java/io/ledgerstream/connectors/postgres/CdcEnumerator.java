package io.ledgerstream.connectors.postgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Hands the source's one split to reader 0, and takes it back when that reader fails. Its state is the split while
 * no reader holds it.
 *
 * <p>Runs on the enumerator's single thread, as Flink calls it.
 */
final class CdcEnumerator implements SplitEnumerator<CdcSplit, List<CdcSplit>> {
    private final SplitEnumeratorContext<CdcSplit> context;
    private final List<CdcSplit> unassigned;

    CdcEnumerator(SplitEnumeratorContext<CdcSplit> context, List<CdcSplit> unassigned) {
        this.context = context;
        this.unassigned = new ArrayList<>(unassigned);
    }

    @Override
    public void start() {
    }

    @Override
    public void handleSplitRequest(int subtask, String requesterHostname) {
    }

    @Override
    public void addSplitsBack(List<CdcSplit> splits, int subtask) {
        unassigned.addAll(splits);
        assign();
    }

    @Override
    public void addReader(int subtask) {
        assign();
    }

    private void assign() {
        if (!unassigned.isEmpty() && context.registeredReaders().containsKey(0)) {
            context.assignSplit(unassigned.remove(0), 0);
        }
    }

    @Override
    public List<CdcSplit> snapshotState(long checkpointId) {
        return List.copyOf(unassigned);
    }

    @Override
    public void close() {
    }

    /** Version 1: a count, then each split as {@link CdcSplit.Serializer} writes it. */
    static final class StateSerializer implements SimpleVersionedSerializer<List<CdcSplit>> {
        static final StateSerializer INSTANCE = new StateSerializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<CdcSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (CdcSplit split : splits) {
                    CdcSplit.Serializer.write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<CdcSplit> deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("Unknown postgres-cdc enumerator state version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int count = in.readInt();
                List<CdcSplit> splits = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    splits.add(CdcSplit.Serializer.read(in));
                }
                return splits;
            }
        }
    }
}
