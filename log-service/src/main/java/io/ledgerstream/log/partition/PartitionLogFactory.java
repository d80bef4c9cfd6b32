package io.ledgerstream.log.partition;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/** Opens partition logs for writing on some storage; opening one fences any other writer of that partition. */
public interface PartitionLogFactory extends AutoCloseable {

    /** Opens a partition for writing, fencing any other writer of it. */
    CompletableFuture<PartitionLog> open(TopicPartition partition, Replication replication, LogConfig config);

    /** How many storage nodes (bookies) accept writes now: the most replicas a new topic can ask for. */
    CompletableFuture<Integer> writableNodes();

    /** Deletes the stored data of a partition whose metadata is already gone: every segment of {@code record}. */
    CompletableFuture<Void> deleteData(io.ledgerstream.log.metadata.PartitionRecord record);

    /** Releases the storage client; logs opened through it must be closed first. */
    @Override
    void close();
}
