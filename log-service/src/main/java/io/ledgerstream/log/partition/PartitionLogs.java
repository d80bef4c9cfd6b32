package io.ledgerstream.log.partition;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/** The logs of the partitions this broker leads, as request handlers and the offsets store find them. */
public interface PartitionLogs {
    /**
     * The log of a partition this broker leads, opened for writing on first use in the assigned leader epoch.
     *
     * @return fails with {@code NotLeaderOrFollowerException} when another broker leads it,
     *     {@code LeaderNotAvailableException} when none does yet, {@code UnknownTopicException} when it does not exist
     */
    CompletableFuture<PartitionLog> log(TopicPartition partition);

    /**
     * The log of a partition this broker leads, for a request that names the leader epoch it expects (-1: none).
     *
     * @return fails as {@link #log(TopicPartition)} does, and with {@code FencedLeaderEpochException} when the
     *     client's epoch is older than this leader's, {@code UnknownLeaderEpochException} when it is newer (the
     *     client knows of a leader this broker has not heard of yet)
     */
    CompletableFuture<PartitionLog> log(TopicPartition partition, int currentLeaderEpoch);
}
