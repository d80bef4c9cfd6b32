package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.AbortedTransaction;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.metrics.StorageMetrics;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.BatchCache;
import io.ledgerstream.log.partition.CacheBudget;
import io.ledgerstream.log.partition.CompactionStats;
import io.ledgerstream.log.partition.OffsetOutOfRangeException;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PreparedBatch;
import io.ledgerstream.log.partition.ProducerStateTable;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.partition.RecordBatches;
import io.ledgerstream.log.partition.TransactionMarkers;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;

/**
 * A partition log stored as a chain of BookKeeper ledgers, one record batch per entry, owned by one writer.
 *
 * <p>Appends are pipelined ({@link AppendPipeline}): offsets are assigned in call order, many appends are in flight
 * at once, and their futures complete in offset order once each reached the ack quorum. The high watermark follows
 * completions, so readers never see an unacknowledged batch. Acknowledged batches go to a {@link BatchCache} for
 * tailing readers; older ones are read from bookies, located through each segment's {@link OffsetIndex}. The
 * segments and their metadata are the {@link SegmentChain}'s; the idempotent producers are restored on open by
 * {@link ProducerStateRecovery}. Retention, DeleteRecords and compaction run one at a time, in call order.
 *
 * <p>A write that fails (fenced, or too few bookies) fails with every append after it, even one BookKeeper may
 * still store: nothing is reported acknowledged out of order. The log then refuses appends until reopened.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class BookKeeperPartitionLog implements PartitionLog {
    /** Bounds of one read-ahead chunk: the size of the read that triggered it, within these. */
    private static final int MIN_READ_AHEAD_BYTES = 64 << 10;
    private static final int MAX_READ_AHEAD_BYTES = Segment.MAX_BATCH_READ_BYTES;

    private final TopicPartition partition;
    private final String name;
    private final BookKeeperLedgers ledgers;
    private final Replication replication;
    private final Clock clock;
    private final BatchCache cache;
    private final ReadAhead readAhead;
    private final StorageMetrics metrics;
    private final int readAheadEntries;
    private final int writerEpoch;
    private final long keyBudgetBytes;
    private final SegmentChain chain;
    private final AppendPipeline pipeline;
    private final ProducerStateRecovery producerState;
    private final ProducerState producers;
    private volatile LogConfig config;
    /** The tail of the chain of retention, DeleteRecords and compaction runs: one at a time, in call order. */
    private final AtomicReference<CompletableFuture<?>> maintenance =
            new AtomicReference<>(CompletableFuture.completedFuture(null));
    /** Set by the first {@link #closeAsync}. */
    private final AtomicReference<CompletableFuture<Void>> closed = new AtomicReference<>();

    private BookKeeperPartitionLog(TopicPartition partition, Replication replication, LogConfig config,
                                   MetadataStore metadata, BookKeeperLedgers ledgers, Clock clock,
                                   CacheBudget cacheBudget, int readAheadEntries, long keyBudgetBytes,
                                   PartitionOpener.Opened opened, StorageMetrics metrics) {
        this.partition = partition;
        this.metrics = metrics;
        this.readAhead = new ReadAhead(metrics);
        this.name = partition.toString();
        this.replication = replication;
        this.config = config;
        this.ledgers = ledgers;
        this.clock = clock;
        this.cache = new BatchCache(cacheBudget);
        this.readAheadEntries = readAheadEntries;
        this.keyBudgetBytes = keyBudgetBytes;
        PartitionRecord record = opened.metadata().value();
        this.writerEpoch = (int) record.writerEpoch();
        this.producerState = new ProducerStateRecovery(partition, metadata);
        this.chain = new SegmentChain(partition, metadata, ledgers, cache, readAhead, this::fail, opened);
        SegmentRecord open = record.segments().get(record.segments().size() - 1);
        Segment active = Segment.forWriting(ledgers, opened.activeLedger(), open.baseOffset(), open.createdAtMs());
        chain.add(active);
        Supplier<LogConfig> currentConfig = () -> this.config;
        this.producers = new ProducerState(producerState::save);
        this.pipeline = new AppendPipeline(partition, writerEpoch, clock, ledgers, replication, currentConfig, chain,
                cache, producers, active, opened.activeLedger(), metrics);
    }

    /**
     * Opens a partition for writing, fencing any previous writer; see {@link PartitionOpener#open} for the steps.
     *
     * @param cacheBudget      the broker's budget for recent batches kept in memory for readers
     * @param readAheadEntries most entries fetched from bookies by one read
     * @param epoch            the leader epoch to write in; -1 for the one after the last writer's
     * @param keyBudgetBytes   memory one compaction run may use for the latest offset of each key
     * @param metrics          where appends waiting on bookies and reads served from memory are counted
     */
    public static CompletableFuture<BookKeeperPartitionLog> open(TopicPartition partition, Replication replication,
                                                                int epoch, LogConfig config, MetadataStore metadata,
                                                                BookKeeperLedgers ledgers, Clock clock,
                                                                CacheBudget cacheBudget, int readAheadEntries,
                                                                long keyBudgetBytes, StorageMetrics metrics) {
        // The topic's min.insync.replicas, if it sets one, is the ack quorum of every ledger this writer creates.
        return new PartitionOpener(metadata, ledgers, clock)
                .open(partition, replication.withMinInsyncReplicas(config.minInsyncReplicas()), epoch,
                        config.flush().deferred())
                .thenApply(opened -> new BookKeeperPartitionLog(partition, replication, config, metadata, ledgers,
                        clock, cacheBudget, readAheadEntries, keyBudgetBytes, opened, metrics))
                .thenCompose(log -> log.producerState.rebuild(log.producers, log.pipeline.highWatermark(), log.chain, log)
                        .thenApply(v -> log));
    }

    @Override
    public TopicPartition topicPartition() {
        return partition;
    }

    @Override
    public long logStartOffset() {
        return chain.logStartOffset();
    }

    @Override
    public long highWatermark() {
        return pipeline.highWatermark();
    }

    @Override
    public long sizeBytes() {
        return chain.sizeBytes();
    }

    @Override
    public long lastStableOffset() {
        return pipeline.lastStableOffset();
    }

    @Override
    public long timestampSearchStart(long timestamp) {
        return chain.timestampSearchStart(timestamp, pipeline.highWatermark());
    }

    @Override
    public int leaderEpoch() {
        return writerEpoch;
    }

    @Override
    public CompletableFuture<Void> highWatermarkAdvanced() {
        return pipeline.highWatermarkAdvanced();
    }

    /** How many readers wait for the high watermark to move now. */
    public int waitingReaders() {
        return pipeline.waitingReaders();
    }

    @Override
    public LogConfig config() {
        return config;
    }

    @Override
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(ByteBuffer batch) {
        LogConfig cfg = config;
        PreparedBatch prepared;
        try {
            prepared = PreparedBatch.of(batch, cfg, clock.millis(), name);
        } catch (RuntimeException e) {
            // Refusals (LogException), and whatever recompressing a validated batch may throw: never synchronously.
            return CompletableFuture.failedFuture(e);
        }
        return pipeline.append(prepared.bytes(), prepared.logAppendTimeMs(), cfg);
    }

    @Override
    public CompletableFuture<AppendResult> appendMarker(long producerId, short producerEpoch, boolean commit,
                                                       int coordinatorEpoch) {
        ByteBuffer marker = TransactionMarkers.marker(producerId, producerEpoch, commit, coordinatorEpoch,
                clock.millis());
        return pipeline.appendMarker(marker, commit, coordinatorEpoch, config);
    }

    @Override
    public CompletableFuture<ReadResult> readAsync(long offset, int maxBytes, IsolationLevel isolation) {
        long start = chain.logStartOffset();
        long lastStable = pipeline.lastStableOffset();
        long hw = pipeline.highWatermark();
        if (offset < start || offset > hw) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(offset, start, hw));
        }
        boolean committed = isolation == IsolationLevel.READ_COMMITTED;
        // read_committed reads stop at the last stable offset, a batch boundary.
        long limit = committed ? Math.min(lastStable, hw) : hw;
        if (offset >= limit) {
            return CompletableFuture.completedFuture(new ReadResult(List.of(), hw, start, lastStable, List.of()));
        }
        List<ByteBuf> cached = cache.read(offset, maxBytes, limit);
        if (cached != null) {
            metrics.cacheHit();
            return CompletableFuture.completedFuture(result(cached, offset, hw, start, lastStable, committed));
        }
        metrics.cacheMiss();
        if (chain.segmentAtOrAfter(offset) == null) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(offset, chain.logStartOffset(), hw));
        }
        int chunkBytes = Math.max(MIN_READ_AHEAD_BYTES, Math.min(maxBytes, MAX_READ_AHEAD_BYTES));
        return readAhead.read(offset, maxBytes, from -> readSegment(from, maxBytes, hw)).handle((read, error) -> {
            if (error == null) {
                List<ByteBuffer> batches = committed ? below(read, limit) : read;
                if (!batches.isEmpty()) {
                    readAheadFrom(RecordBatches.nextOffset(batches.get(batches.size() - 1)), chunkBytes);
                }
                return result(ReadResult.heap(batches), offset, hw, start, lastStable, committed);
            }
            if (offset < chain.logStartOffset()) {
                // Retention deleted the segment while we read it.
                throw new OffsetOutOfRangeException(offset, chain.logStartOffset(), hw);
            }
            throw BookKeeperErrors.translate(error, name);
        });
    }

    /** The batches that start below {@code limit}: a read ahead may have gone past the last stable offset. */
    private static List<ByteBuffer> below(List<ByteBuffer> batches, long limit) {
        int n = 0;
        while (n < batches.size() && RecordBatches.baseOffset(batches.get(n)) < limit) {
            n++;
        }
        return n == batches.size() ? batches : batches.subList(0, n);
    }

    /** A read's result; a read_committed one names the aborted transactions among its batches. */
    private ReadResult result(List<ByteBuf> batches, long offset, long hw, long start, long lastStable,
                              boolean committed) {
        List<AbortedTransaction> aborted = List.of();
        if (committed && !batches.isEmpty()) {
            try {
                aborted = producers.abortedTransactions(offset,
                        RecordBatches.nextOffset(batches.get(batches.size() - 1)));
            } catch (RuntimeException e) {
                batches.forEach(ByteBuf::release);
                throw e;
            }
        }
        return new ReadResult(batches, hw, start, lastStable, aborted);
    }

    /**
     * Reads from the segment holding {@code offset}. Compaction leaves gaps: when that segment has nothing at or
     * after the offset (or none holds it), the read goes on at the next segment. When compaction replaced the
     * segment while it was read, the read starts again on the new one.
     */
    private CompletableFuture<List<ByteBuffer>> readSegment(long offset, int maxBytes, long limitOffset) {
        Map.Entry<Long, Segment> entry = chain.segmentAtOrAfter(offset);
        if (entry == null) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(offset, chain.logStartOffset(),
                    pipeline.highWatermark()));
        }
        Segment segment = entry.getValue();
        long from = Math.max(offset, segment.baseOffset());
        return segment.read(from, maxBytes, limitOffset, readAheadEntries)
                .exceptionallyCompose(error -> segment.isReplaced() ? readSegment(offset, maxBytes, limitOffset)
                        : CompletableFuture.failedFuture(error))
                .thenCompose(batches -> {
                    Long next = chain.nextBase(segment.baseOffset());
                    return batches.isEmpty() && next != null && next < limitOffset
                            ? readSegment(next, maxBytes, limitOffset)
                            : CompletableFuture.completedFuture(batches);
                });
    }

    /** Starts reading the next chunk for a consumer catching up, unless it is in the tail cache or not written. */
    private void readAheadFrom(long offset, int chunkBytes) {
        long hw = pipeline.highWatermark();
        if (offset >= hw || readAhead.holds(offset) || cache.covers(offset)) {
            return;
        }
        readAhead.prefetch(offset, readSegment(offset, chunkBytes, hw));
    }

    /**
     * Applies retention.
     * <ol>
     *   <li>Wait until segments being sealed are sealed. From the oldest, pick sealed segments while the newest
     *       record of each is older than {@code retention.ms} or the log without it is still at least
     *       {@code retention.bytes}; stop at the first that is kept. The open segment (and one still being sealed)
     *       is never picked.</li>
     *   <li>Compare-and-set the partition record without them and with the log start offset moved to the first
     *       kept segment. If that fails (another writer took over, or ZooKeeper failed) nothing is deleted and the
     *       log fails, to be reopened.</li>
     *   <li>Drop them from memory, then delete their ledgers. A failed delete leaves an unreferenced ledger; it is
     *       logged.</li>
     * </ol>
     */
    @Override
    public CompletableFuture<Integer> enforceRetention() {
        if (!config.cleanupPolicy().deletes()) {
            return CompletableFuture.completedFuture(0);
        }
        // Segments rolled but still being sealed become candidates once sealed: wait for them first.
        return exclusively(() -> pipeline.afterSealing().thenCompose(v -> applyRetention()));
    }

    private CompletableFuture<Integer> applyRetention() {
        if (!pipeline.acceptsMaintenance()) {
            return CompletableFuture.completedFuture(0);
        }
        List<Segment> doomed = chain.expired(config, clock.millis());
        if (doomed.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        long newStart = chain.nextBase(doomed.get(doomed.size() - 1).baseOffset());
        return chain.truncateHead(doomed, newStart, "Retention").whenComplete((n, e) -> truncateAborted());
    }

    /** Runs {@code run} after every retention, DeleteRecords and compaction run asked for before it has ended. */
    private <T> CompletableFuture<T> exclusively(Supplier<CompletableFuture<T>> run) {
        CompletableFuture<T> result = new CompletableFuture<>();
        maintenance.getAndSet(result).handle((v, e) -> null).thenCompose(v -> run.get())
                .whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
        return result;
    }

    /** Drops the aborted transactions that ended below the log start offset; returns that offset. */
    private long truncateAborted() {
        long start = chain.logStartOffset();
        producers.truncateAborted(start);
        return start;
    }

    @Override
    public boolean hasOpenTransaction(long producerId) {
        return producers.hasOpenTransaction(producerId);
    }

    @Override
    public List<ProducerStateTable.ActiveProducer> producers() {
        return producers.active();
    }

    @Override
    public int expireProducers(long expirationMs) {
        return producers.expire(clock.millis(), expirationMs);
    }

    @Override
    public CompletableFuture<Long> deleteRecordsBefore(long offset) {
        long hw = pipeline.highWatermark();
        long target = offset == -1 ? hw : offset;
        if (target < 0 || target > hw) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(target, chain.logStartOffset(), hw));
        }
        return exclusively(() -> pipeline.afterSealing().thenCompose(v -> {
            if (target <= chain.logStartOffset()) {
                return CompletableFuture.completedFuture(chain.logStartOffset());
            }
            return chain.truncateHead(chain.below(target), target, "DeleteRecords")
                    .thenApply(n -> truncateAborted());
        }));
    }

    /**
     * Compacts the log when its policy says so and enough of it is dirty.
     * <ol>
     *   <li>Wait for other maintenance and for segments being sealed. Take the sealed segments from the first up
     *       to the first that is dirty (not yet compacted) but younger than {@code min.compaction.lag.ms}. Go on
     *       only if the dirty bytes among them are at least {@code min.cleanable.dirty.ratio} of their bytes.</li>
     *   <li>Write the compacted segments to new ledgers ({@link SegmentCompactor}).</li>
     *   <li>Compare-and-set the partition record with the new segments in place of the sealed ones covering the
     *       same offsets, and the new clean offset. If those are no longer there as they were, drop the new
     *       ledgers; if the update fails, drop them and fail the log, like every failed metadata update.</li>
     *   <li>Put the new segments in memory, drop the tail cache and read-ahead below them, then delete the old
     *       ledgers (a read of one that fails meanwhile starts again on the new segment).</li>
     * </ol>
     */
    @Override
    public CompletableFuture<CompactionStats> compact() {
        if (!config.cleanupPolicy().compacts()) {
            return CompletableFuture.completedFuture(CompactionStats.NONE);
        }
        return exclusively(() -> pipeline.afterSealing().thenCompose(v -> compactNow()));
    }

    private CompletableFuture<CompactionStats> compactNow() {
        LogConfig cfg = config;
        long now = clock.millis();
        if (!pipeline.acceptsMaintenance() || !cfg.cleanupPolicy().compacts()) {
            return CompletableFuture.completedFuture(CompactionStats.NONE);
        }
        long clean = chain.cleanOffset();
        // As Kafka's cleaner: nothing at or above the last stable offset, whose transactions are not decided yet.
        List<Segment> inputs = chain.compactionInputs(cfg, now, pipeline.lastStableOffset());
        if (inputs.isEmpty()) {
            return CompletableFuture.completedFuture(CompactionStats.NONE);
        }
        SegmentCompactor compactor = new SegmentCompactor(ledgers,
                replication.withMinInsyncReplicas(cfg.minInsyncReplicas()), partition, cfg, now, keyBudgetBytes,
                producers.abortedIndex());
        return compactor.compact(inputs, clean).thenCompose(result -> chain.swapIn(result, compactor));
    }

    /** The write handle of the open segment, for tests that look at how its ledger is written. */
    WriteHandle activeLedger() {
        return pipeline.activeHandle();
    }

    @Override
    public boolean failed() {
        return pipeline.failed();
    }

    /** Fails the log (a metadata update of retention or compaction failed); the pipeline exists by then. */
    private void fail(Throwable error) {
        pipeline.fail(error);
    }

    /**
     * Closes the log.
     * <ol>
     *   <li>Refuse new appends; wait until every append in flight and every segment being sealed completed.</li>
     *   <li>If the log has not failed, close the open ledger and compare-and-set it as sealed (an empty one is
     *       removed from the chain and deleted instead), so the next open has nothing to recover.</li>
     *   <li>Store a producer snapshot at the end, and release read handles.</li>
     * </ol>
     */
    @Override
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!closed.compareAndSet(null, result)) {
            return closed.get();
        }
        pipeline.close()
                .thenCompose(v -> producerState.saveOnClose(pipeline))
                .whenComplete((v, e) -> {
                    chain.closeReaders();
                    cache.close();
                    pipeline.releaseWaiters();
                    if (e != null) {
                        result.completeExceptionally(BookKeeperErrors.translate(e, name));
                    } else {
                        result.complete(null);
                    }
                });
        return result;
    }

    @Override
    public void halt() {
        cache.close();
    }

    @Override
    public String toString() {
        return "BookKeeperPartitionLog[" + name + "]";
    }
}
