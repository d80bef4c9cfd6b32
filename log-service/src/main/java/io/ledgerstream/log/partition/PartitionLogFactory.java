package io.ledgerstream.log.partition;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/** Opens partition logs for writing on some storage; opening one fences any other writer of that partition. */
public interface PartitionLogFactory extends AutoCloseable {

    /** Opens a partition for writing, fencing any other writer of it, in the epoch after the last writer's. */
    default CompletableFuture<PartitionLog> open(TopicPartition partition, Replication replication, LogConfig config) {
        return open(partition, replication, config, -1);
    }

    /**
     * Opens a partition for writing in leader epoch {@code epoch} (-1: the one after the last writer's), fencing any
     * other writer of it.
     *
     * @return fails with {@link LogFencedException} if a writer of a higher epoch opened it already
     */
    CompletableFuture<PartitionLog> open(TopicPartition partition, Replication replication, LogConfig config,
                                         int epoch);

    /** How many storage nodes (bookies) accept writes now: the most replicas a new topic can ask for. */
    CompletableFuture<Integer> writableNodes();

    /** Deletes the stored data of a partition whose metadata is already gone: every segment of {@code record}. */
    CompletableFuture<Void> deleteData(io.ledgerstream.log.metadata.PartitionRecord record);

    /** Releases the storage client; logs opened through it must be closed first. */
    @Override
    void close();
}
