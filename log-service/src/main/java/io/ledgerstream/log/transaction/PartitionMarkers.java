package io.ledgerstream.log.transaction;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.partition.PartitionLogs;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes a transaction marker to a partition this broker leads: for WriteTxnMarkers requests, and directly for the
 * transactions this broker coordinates whose partitions it also leads. A marker in a partition of
 * {@code __consumer_offsets} also commits or drops the offsets the producer sent there with TxnOffsetCommit (those
 * of the groups of that partition), once it is durable.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
@ThreadSafe
public final class PartitionMarkers {
    private final PartitionLogs logs;
    private final GroupCoordinator groups;

    public PartitionMarkers(PartitionLogs logs, GroupCoordinator groups) {
        this.logs = logs;
        this.groups = groups;
    }

    /** Completes once the marker is durable (and, in an offsets partition, applied); fails as the append does. */
    public CompletableFuture<Void> write(TopicPartition partition, long producerId, short producerEpoch,
                                        boolean commit, int coordinatorEpoch) {
        return logs.log(partition)
                .thenCompose(log -> log.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch))
                .thenCompose(appended -> partition.topic().equals(OffsetStore.TOPIC)
                        ? groups.completeTransaction(partition.partition(), producerId, commit)
                        : CompletableFuture.completedFuture(null));
    }
}
