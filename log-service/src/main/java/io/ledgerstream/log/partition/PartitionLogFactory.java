package io.ledgerstream.log.partition;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/** Opens partition logs for writing on some storage; opening one fences any other writer of that partition. */
public interface PartitionLogFactory extends AutoCloseable {

    CompletableFuture<PartitionLog> open(TopicPartition partition, Replication replication, LogConfig config);

    /** Releases the storage client; logs opened through it must be closed first. */
    @Override
    void close();
}
