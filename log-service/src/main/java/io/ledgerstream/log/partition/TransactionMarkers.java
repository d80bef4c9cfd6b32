package io.ledgerstream.log.partition;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/** Transaction markers: the control batches that commit or abort a producer's transaction in a partition. */
public final class TransactionMarkers {
    private TransactionMarkers() {
    }

    /** A marker batch at offset 0, in kafka-clients' encoding; the log gives it its offset. */
    public static ByteBuffer marker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                    long timestamp) {
        return MemoryRecords.withEndTransactionMarker(0L, timestamp, RecordBatch.NO_PARTITION_LEADER_EPOCH,
                producerId, producerEpoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                        coordinatorEpoch)).buffer();
    }

    /** The coordinator epoch a stored marker batch carries. */
    public static int coordinatorEpoch(ByteBuffer controlBatch) {
        RecordBatch batch = MemoryRecords.readableRecords(controlBatch.duplicate()).batches().iterator().next();
        for (Record record : batch) {
            return EndTransactionMarker.deserialize(record).coordinatorEpoch();
        }
        return -1;
    }

    /** Whether a stored control batch commits (else it aborts, or is another kind of control record). */
    public static boolean isCommit(ByteBuffer controlBatch) {
        return isCommit(MemoryRecords.readableRecords(controlBatch.duplicate()).batches().iterator().next());
    }

    /** Whether a control batch commits (else it aborts, or is another kind of control record). */
    public static boolean isCommit(RecordBatch batch) {
        for (Record record : batch) {
            return ControlRecordType.parse(record.key()) == ControlRecordType.COMMIT;
        }
        return false;
    }
}
