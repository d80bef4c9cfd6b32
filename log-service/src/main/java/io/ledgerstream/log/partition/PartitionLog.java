package io.ledgerstream.log.partition;

import io.ledgerstream.log.config.LogConfig;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The log of one partition: Kafka v2 record batches at contiguous offsets from the log start offset. The owner of
 * an instance is the single writer of the partition; opening another writer elsewhere fences this one.
 *
 * <p>Implementations are thread-safe. Failures complete the returned futures with a {@link LogException}.
 */
public interface PartitionLog extends AutoCloseable {

    TopicPartition topicPartition();

    /**
     * Validates one Kafka v2 record batch (its header, and its records as Kafka's log validator does, see
     * {@link RecordValidator}), gives it the next offsets and stores it. As Kafka does, the header's newest timestamp
     * is set to the records' (or to the append time, when the topic uses log append time); a topic whose
     * {@code compression.type} names another codec gets the batch recompressed.
     *
     * <p>The log takes ownership of {@code batch} (from its position to its limit): it writes the base offset and
     * leader epoch into it in place and may keep it in memory to serve reads, so the caller must not touch it again.
     * Appends may be issued before earlier ones complete; their futures complete in offset order, each once the
     * batch is durable at the write's ack quorum.
     *
     * @return the offsets given to the batch (and the append time stamped on it); fails with
     *     {@link InvalidRecordBatchException} or
     *     {@link RecordBatchTooLargeException} (nothing written), {@link LogFencedException},
     *     {@link LogStorageException} or {@link LogClosedException}
     */
    CompletableFuture<AppendResult> appendAsync(ByteBuffer batch);

    /**
     * Appends a transaction marker (a control batch) that commits or aborts {@code producerId}'s transaction in
     * this partition, as the transaction coordinator asks. An abort enters the aborted-transaction index; a marker
     * with a newer epoch fences the producer's older epochs. A marker for a producer with no open transaction here
     * (a retry) is appended and changes nothing.
     *
     * @return where the marker landed; fails with {@code InvalidProducerEpochException} if the epoch is older than
     *     the producer's, {@code TransactionCoordinatorFencedException} if a marker of a newer coordinator epoch
     *     came before, or as {@link #appendAsync} does
     */
    CompletableFuture<AppendResult> appendMarker(long producerId, short producerEpoch, boolean commit,
                                                 int coordinatorEpoch);

    /**
     * Reads whole batches starting with the one that holds {@code offset}, stopping once {@code maxBytes} are
     * reached (the first batch is returned even when larger, so a reader always progresses). read_committed reads
     * stop at the last stable offset and name the aborted transactions among the batches.
     *
     * @return the batches, which the caller owns and must {@link ReadResult#close close}; empty at the high
     *     watermark (read_committed: at the last stable offset); fails with
     *     {@link OffsetOutOfRangeException} below the log start offset or beyond the high watermark
     */
    CompletableFuture<ReadResult> readAsync(long offset, int maxBytes, IsolationLevel isolation);

    /** A read_uncommitted {@link #readAsync(long, int, IsolationLevel)}. */
    default CompletableFuture<ReadResult> readAsync(long offset, int maxBytes) {
        return readAsync(offset, maxBytes, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * A future that completes the next time the high watermark moves up (or the log closes), for long-polling
     * readers. Each call gets a future of its own, which the caller cancels when it stops waiting (a long poll that
     * timed out), so that idle partitions do not gather the waits of every fetch.
     */
    CompletableFuture<Void> highWatermarkAdvanced();

    /**
     * Whether the log refuses appends because a write or a metadata update failed (fenced, bookies lost,
     * ZooKeeper errors). Reads of acknowledged data still work; the owner should close it and open it again,
     * which recovers the partition.
     */
    boolean failed();

    /** This writer's epoch, stamped into every batch it appends as the partition leader epoch. */
    int leaderEpoch();

    /**
     * Where a search for a record by time can start without missing anything: the base offset of the first
     * segment whose newest record is at or after {@code timestamp} (for {@link Long#MAX_VALUE}: of the segment
     * holding the newest timestamp of all), or the high watermark when there is none. Segments before it are
     * skipped without reading them.
     */
    long timestampSearchStart(long timestamp);

    /** The first offset that can be read. */
    long logStartOffset();

    /** The offset after the last acknowledged record: reads see everything below it. */
    long highWatermark();

    /** The last stable offset: below it every transaction is decided; read_committed reads stop there. */
    long lastStableOffset();

    /**
     * Bytes of record batches the log holds: the sealed segments' sizes as recorded when each was sealed, plus the
     * batches acknowledged so far in the open segment (whose record says 0 until it is sealed). Batches deleted by
     * retention, DeleteRecords or compaction no longer count.
     */
    long sizeBytes();

    /** The settings in force. */
    LogConfig config();

    /** Applies new settings to later appends and retention runs. */
    void updateConfig(LogConfig config);

    /**
     * Deletes whole sealed segments that retention ({@code retention.ms}, {@code retention.bytes}) no longer
     * keeps, moving the log start offset up.
     *
     * @return the number of segments deleted
     */
    CompletableFuture<Integer> enforceRetention();

    /**
     * Compacts the sealed segments when {@code cleanup.policy} includes {@code compact} and the part not yet
     * compacted is large enough ({@code min.cleanable.dirty.ratio}, {@code min.compaction.lag.ms}): only the latest
     * record of each key stays, tombstones go after {@code delete.retention.ms}, every kept record keeps its
     * offset. Reads then find gaps in the offsets, as Kafka consumers expect of compacted topics.
     *
     * @return what the run did; {@link CompactionStats#NONE} when there was nothing to do
     */
    CompletableFuture<CompactionStats> compact();

    /** Whether {@code producerId} has a transaction open in this partition (a batch of it appended, no marker yet). */
    boolean hasOpenTransaction(long producerId);

    /** The producers this partition knows, with their open transactions, as DescribeProducers shows them. */
    List<ProducerStateTable.ActiveProducer> producers();

    /**
     * Forgets the producers whose last batch here is {@code expirationMs} or more old
     * ({@code producer.id.expiration.ms}) and that have no open transaction, so that the state of producers long
     * gone does not grow without bound.
     *
     * @return producers forgotten
     */
    int expireProducers(long expirationMs);

    /**
     * Moves the log start offset up to {@code offset} (-1: the high watermark), as Kafka's DeleteRecords does:
     * reads below it fail from then on and whole segments below it are deleted.
     *
     * @return the new log start offset; fails with {@link OffsetOutOfRangeException} beyond the high watermark
     */
    CompletableFuture<Long> deleteRecordsBefore(long offset);

    /** Completes the appends in flight, seals the open segment and releases the log. */
    CompletableFuture<Void> closeAsync();

    /**
     * Lets go of the memory the log holds (its tail cache) without completing, sealing or storing anything, as if
     * its process died: for a broker halted in fault tests. The log is not used afterwards.
     */
    void halt();

    @Override
    default void close() {
        closeAsync().join();
    }
}
