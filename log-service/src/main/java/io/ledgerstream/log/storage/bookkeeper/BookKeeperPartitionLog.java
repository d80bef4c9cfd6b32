package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.metadata.Versioned;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.BatchCache;
import io.ledgerstream.log.partition.CacheBudget;
import io.ledgerstream.log.partition.CompactionStats;
import io.ledgerstream.log.partition.LogClosedException;
import io.ledgerstream.log.partition.LogException;
import io.ledgerstream.log.partition.OffsetOutOfRangeException;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PreparedBatch;
import io.ledgerstream.log.partition.ProducerStateTable;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.partition.RecordBatches;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition log stored as a chain of BookKeeper ledgers, one record batch per entry, owned by one writer.
 *
 * <p>Appends are pipelined: offsets and entry ids are assigned in call order under one lock, then a single
 * submitter at a time hands the entries to BookKeeper in that order, outside the lock (BookKeeper calls back into
 * the log while holding its own locks, so the log never calls BookKeeper while holding its lock). Many appends are
 * in flight at once, and their futures complete in offset order once each reached the ack quorum. The
 * high watermark follows completions, so readers never see an unacknowledged batch. Acknowledged batches go to a
 * {@link BatchCache} for tailing readers; older ones are read from bookies, located through each segment's
 * {@link OffsetIndex}.
 *
 * <p>A write that fails (fenced, or too few bookies) fails with every append after it, even one BookKeeper may
 * still store: nothing is reported acknowledged out of order. The log then refuses appends until reopened.
 *
 * <p>The class is longer than our usual: the write pipeline, rollover, sealing, retention and the producer state
 * share one lock and one chain of metadata updates, and their invariants are easiest to check in one place. The
 * write pipeline is the first candidate to move into a class of its own.
 *
 * <p>Thread-safe.
 */
public final class BookKeeperPartitionLog implements PartitionLog {
    private static final Logger LOG = LoggerFactory.getLogger(BookKeeperPartitionLog.class);

    private final TopicPartition partition;
    private final String name;
    private final MetadataStore metadata;
    private final BookKeeperLedgers ledgers;
    private final Replication replication;
    private final Clock clock;
    private final BatchCache cache;
    private final ReadAhead readAhead = new ReadAhead();
    private final int readAheadEntries;
    private final int writerEpoch;
    /** Segments by base offset; readers use it without the lock. */
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long highWatermark;
    /** Where the part not yet compacted begins; changed only by compaction. */
    private volatile long cleanOffset;
    private final long keyBudgetBytes;
    /** The tail of the chain of retention, DeleteRecords and compaction runs: one at a time, in call order. */
    private final AtomicReference<CompletableFuture<?>> maintenance =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

    /** The tail of the serialized chain of metadata updates: each applies to the version the previous left. */
    private final AtomicReference<CompletableFuture<Versioned<PartitionRecord>>> lastMetadata;
    /** Completed and replaced each time the high watermark moves up. */
    private final AtomicReference<CompletableFuture<Void>> highWatermarkAdvanced =
            new AtomicReference<>(new CompletableFuture<>());

    private final Object lock = new Object();
    // All fields below are guarded by lock.
    private Segment active;
    private long nextOffset;
    private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
    /** Appends with an entry id, waiting to be handed to BookKeeper by the submitter, in entry order. */
    private final ArrayDeque<PendingAppend> toSubmit = new ArrayDeque<>();
    private boolean submitting;
    /** Appends waiting for the next segment while a roll is under way; null when none is. */
    private List<PendingAppend> awaitingSegment;
    private LogException failure;
    private CompletableFuture<Void> closed;
    private final List<CompletableFuture<Void>> seals = new ArrayList<>();
    private final ArrayDeque<Runnable> completions = new ArrayDeque<>();
    private boolean completing;
    private final ProducerStateTable producers = new ProducerStateTable();
    private long bytesSinceSnapshot;
    private boolean snapshotting;

    private BookKeeperPartitionLog(TopicPartition partition, Replication replication, LogConfig config,
                                   MetadataStore metadata, BookKeeperLedgers ledgers, Clock clock,
                                   CacheBudget cacheBudget, int readAheadEntries, long keyBudgetBytes,
                                   PartitionOpener.Opened opened) {
        this.partition = partition;
        this.name = partition.toString();
        this.replication = replication;
        this.config = config;
        this.metadata = metadata;
        this.ledgers = ledgers;
        this.clock = clock;
        this.cache = new BatchCache(cacheBudget);
        this.readAheadEntries = readAheadEntries;
        this.keyBudgetBytes = keyBudgetBytes;
        PartitionRecord record = opened.metadata().value();
        this.writerEpoch = (int) record.writerEpoch();
        for (SegmentRecord sealed : opened.sealedSegments()) {
            if (sealed.entryCount() > 0) {
                segments.put(sealed.baseOffset(), Segment.sealed(ledgers, sealed));
            }
        }
        SegmentRecord open = record.segments().get(record.segments().size() - 1);
        this.active = Segment.forWriting(ledgers, opened.activeLedger(), open.baseOffset(), open.createdAtMs());
        segments.put(open.baseOffset(), active);
        this.nextOffset = open.baseOffset();
        this.highWatermark = open.baseOffset();
        this.logStartOffset = record.logStartOffset();
        this.cleanOffset = record.cleanOffset();
        this.lastMetadata = new AtomicReference<>(CompletableFuture.completedFuture(opened.metadata()));
    }

    /**
     * Opens a partition for writing, fencing any previous writer; see {@link PartitionOpener#open} for the steps.
     *
     * @param cacheBudget      the broker's budget for recent batches kept in memory for readers
     * @param readAheadEntries most entries fetched from bookies by one read
     * @param epoch            the leader epoch to write in; -1 for the one after the last writer's
     * @param keyBudgetBytes   memory one compaction run may use for the latest offset of each key
     */
    public static CompletableFuture<BookKeeperPartitionLog> open(TopicPartition partition, Replication replication,
                                                                int epoch, LogConfig config, MetadataStore metadata,
                                                                BookKeeperLedgers ledgers, Clock clock,
                                                                CacheBudget cacheBudget, int readAheadEntries,
                                                                long keyBudgetBytes) {
        // The topic's min.insync.replicas, if it sets one, is the ack quorum of every ledger this writer creates.
        return new PartitionOpener(metadata, ledgers, clock)
                .open(partition, replication.withMinInsyncReplicas(config.minInsyncReplicas()), epoch)
                .thenApply(opened -> new BookKeeperPartitionLog(partition, replication, config, metadata, ledgers,
                        clock, cacheBudget, readAheadEntries, keyBudgetBytes, opened))
                .thenCompose(log -> log.rebuildProducerState().thenApply(v -> log));
    }

    /**
     * Acknowledged bytes between two producer snapshots, and the log's tail read on open when there is no usable
     * snapshot (none taken yet, or too old: more than {@link #SNAPSHOT_REPLAY_LIMIT_BYTES} behind). Without a
     * snapshot, a producer whose last batch lies further back than the tail is met as new: its next batch gets
     * OUT_OF_ORDER_SEQUENCE_NUMBER and kafka-clients recovers by bumping its epoch (KIP-360).
     */
    static final long PRODUCER_STATE_TAIL_BYTES = 64L << 20;
    /** Most bytes a reopen replays after a producer snapshot. */
    private static final long SNAPSHOT_REPLAY_LIMIT_BYTES = 4 * PRODUCER_STATE_TAIL_BYTES;
    /** Bounds of one read-ahead chunk: the size of the read that triggered it, within these. */
    private static final int MIN_READ_AHEAD_BYTES = 64 << 10;
    private static final int MAX_READ_AHEAD_BYTES = Segment.MAX_BATCH_READ_BYTES;

    /**
     * Learns the idempotent producers on open: from the last producer snapshot and the log after it, or, without
     * a usable snapshot, from the log's tail.
     */
    private CompletableFuture<Void> rebuildProducerState() {
        return metadata.producerSnapshot(partition.topic(), partition.partition())
                .exceptionally(e -> {
                    LOG.warn("Cannot read the producer snapshot of {}, replaying the log's tail instead: {}", name,
                            e.toString());
                    return Optional.empty();
                })
                .thenCompose(stored -> {
                    // A snapshot within the tail never costs more replay than the tail; an older one is used while
                    // the log after it stays under the limit.
                    if (stored.isPresent() && stored.get().offset() <= highWatermark
                            && (stored.get().offset() >= tailStart()
                            || bytesFrom(stored.get().offset()) <= SNAPSHOT_REPLAY_LIMIT_BYTES)) {
                        synchronized (lock) {
                            producers.restore(stored.get());
                        }
                        return replayFrom(Math.max(stored.get().offset(), logStartOffset));
                    }
                    return replayFrom(Math.max(tailStart(), logStartOffset));
                });
    }

    /** About the bytes from the segment holding {@code offset} to the end. */
    private long bytesFrom(long offset) {
        long bytes = 0;
        for (Segment s : segments.descendingMap().values()) {
            bytes += s.sizeBytes();
            if (s.baseOffset() <= offset) {
                break;
            }
        }
        return bytes;
    }

    /** Where the last {@link #PRODUCER_STATE_TAIL_BYTES} of the log start (whole segments). */
    private long tailStart() {
        long bytes = 0;
        long from = highWatermark;
        for (Segment s : segments.descendingMap().values()) {
            from = s.baseOffset();
            bytes += s.sizeBytes();
            if (bytes >= PRODUCER_STATE_TAIL_BYTES) {
                break;
            }
        }
        return from;
    }

    /** Stores a producer snapshot; a failure only means the next open replays more. */
    private CompletableFuture<Void> saveProducerSnapshot(ProducerSnapshot snapshot) {
        return metadata.saveProducerSnapshot(partition.topic(), partition.partition(), snapshot)
                .handle((v, e) -> {
                    if (e != null) {
                        LOG.warn("Could not store the producer snapshot of {} at offset {}: {}", name,
                                snapshot.offset(), e.toString());
                    }
                    synchronized (lock) {
                        snapshotting = false;
                    }
                    return null;
                });
    }

    /** On a clean close: a snapshot at the end, so that the next open replays nothing. */
    private CompletableFuture<Void> saveProducerSnapshotOnClose() {
        ProducerSnapshot snapshot;
        synchronized (lock) {
            if (failure != null || producers.size() == 0) {
                return CompletableFuture.completedFuture(null);
            }
            snapshot = producers.snapshot(highWatermark);
        }
        return saveProducerSnapshot(snapshot);
    }

    private CompletableFuture<Void> replayFrom(long offset) {
        if (offset >= highWatermark) {
            return CompletableFuture.completedFuture(null);
        }
        return readAsync(offset, 1 << 20).thenCompose(read -> {
            long next = offset;
            synchronized (lock) {
                for (ByteBuffer batch : read.batches()) {
                    producers.replay(batch);
                    next = RecordBatches.nextOffset(batch);
                }
            }
            return next > offset ? replayFrom(next) : CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public TopicPartition topicPartition() {
        return partition;
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    @Override
    public long timestampSearchStart(long timestamp) {
        long start = logStartOffset;
        long newest = Long.MIN_VALUE;
        long newestAt = highWatermark;
        for (Segment s : segments.values()) {
            long from = Math.max(start, s.baseOffset());
            if (timestamp != Long.MAX_VALUE && s.maxTimestamp() >= timestamp) {
                return from;
            }
            if (s.maxTimestamp() > newest) {
                newest = s.maxTimestamp();
                newestAt = from;
            }
        }
        return timestamp == Long.MAX_VALUE ? newestAt : highWatermark;
    }

    @Override
    public int leaderEpoch() {
        return writerEpoch;
    }

    @Override
    public CompletableFuture<Void> highWatermarkAdvanced() {
        return highWatermarkAdvanced.get();
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
        ByteBuffer owned = prepared.bytes();
        long logAppendTime = prepared.logAppendTimeMs();
        int count = RecordBatches.recordCount(owned);
        PendingAppend append;
        long rollAt = -1;
        long producerId = RecordBatches.producerId(owned);
        int firstSeq = RecordBatches.baseSequence(owned);
        boolean idempotent = producerId >= 0 && firstSeq >= 0;
        synchronized (lock) {
            if (closed != null) {
                return CompletableFuture.failedFuture(new LogClosedException(name));
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            short producerEpoch = RecordBatches.producerEpoch(owned);
            int lastSeq = ProducerStateTable.lastSequence(owned);
            if (idempotent) {
                try {
                    CompletableFuture<AppendResult> original = producers.check(producerId, producerEpoch, firstSeq,
                            lastSeq);
                    if (original != null) {
                        return original;
                    }
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            long base = nextOffset;
            RecordBatches.assign(owned, base, writerEpoch);
            nextOffset = base + count;
            append = new PendingAppend(owned, base, base + count - 1, logAppendTime);
            pending.addLast(append);
            if (idempotent) {
                producers.record(producerId, producerEpoch, firstSeq, lastSeq, base, base + count - 1,
                        RecordBatches.maxTimestamp(owned), append.future);
            }
            if (awaitingSegment != null) {
                awaitingSegment.add(append);
            } else if (shouldRoll(cfg, owned.remaining())) {
                awaitingSegment = new ArrayList<>(List.of(append));
                rollAt = base;
            } else {
                assignEntryLocked(active, append);
            }
        }
        if (rollAt >= 0) {
            roll(rollAt);
        }
        submitWrites();
        return append.future;
    }

    @Override
    public CompletableFuture<ReadResult> readAsync(long offset, int maxBytes) {
        long start = logStartOffset;
        long hw = highWatermark;
        if (offset < start || offset > hw) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(offset, start, hw));
        }
        if (offset == hw) {
            return CompletableFuture.completedFuture(new ReadResult(List.of(), hw, start));
        }
        List<ByteBuffer> cached = cache.read(offset, maxBytes, hw);
        if (cached != null) {
            return CompletableFuture.completedFuture(new ReadResult(cached, hw, start));
        }
        if (segmentAtOrAfter(offset) == null) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(offset, logStartOffset, hw));
        }
        int chunkBytes = Math.max(MIN_READ_AHEAD_BYTES, Math.min(maxBytes, MAX_READ_AHEAD_BYTES));
        return readAhead.read(offset, maxBytes, from -> readSegment(from, maxBytes, hw)).handle((batches, error) -> {
            if (error == null) {
                if (!batches.isEmpty()) {
                    readAheadFrom(RecordBatches.nextOffset(batches.get(batches.size() - 1)), chunkBytes);
                }
                return new ReadResult(batches, hw, start);
            }
            if (offset < logStartOffset) {
                // Retention deleted the segment while we read it.
                throw new OffsetOutOfRangeException(offset, logStartOffset, hw);
            }
            throw BookKeeperErrors.translate(error, name);
        });
    }

    /**
     * Reads from the segment holding {@code offset}. Compaction leaves gaps: when that segment has nothing at or
     * after the offset (or none holds it), the read goes on at the next segment. When compaction replaced the
     * segment while it was read, the read starts again on the new one.
     */
    private CompletableFuture<List<ByteBuffer>> readSegment(long offset, int maxBytes, long limitOffset) {
        Map.Entry<Long, Segment> entry = segmentAtOrAfter(offset);
        if (entry == null) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(offset, logStartOffset,
                    highWatermark));
        }
        Segment segment = entry.getValue();
        long from = Math.max(offset, segment.baseOffset());
        return segment.read(from, maxBytes, limitOffset, readAheadEntries)
                .exceptionallyCompose(error -> segment.isReplaced() ? readSegment(offset, maxBytes, limitOffset)
                        : CompletableFuture.failedFuture(error))
                .thenCompose(batches -> {
                    Long next = segments.higherKey(segment.baseOffset());
                    return batches.isEmpty() && next != null && next < limitOffset
                            ? readSegment(next, maxBytes, limitOffset)
                            : CompletableFuture.completedFuture(batches);
                });
    }

    /** The segment holding {@code offset}, or else the first after it (compaction may leave none holding it). */
    private Map.Entry<Long, Segment> segmentAtOrAfter(long offset) {
        Map.Entry<Long, Segment> floor = segments.floorEntry(offset);
        return floor != null ? floor : segments.ceilingEntry(offset);
    }

    /** Starts reading the next chunk for a consumer catching up, unless it is in the tail cache or not written. */
    private void readAheadFrom(long offset, int chunkBytes) {
        long hw = highWatermark;
        if (offset >= hw || readAhead.holds(offset) || cache.covers(offset)) {
            return;
        }
        readAhead.prefetch(offset, readSegment(offset, chunkBytes, hw));
    }

    /**
     * Applies retention.
     * <ol>
     *   <li>Wait until segments being sealed are sealed. From the oldest, pick sealed segments while the newest record of each is older than {@code retention.ms}
     *       or the log without it is still at least {@code retention.bytes}; stop at the first that is kept. The
     *       open segment (and one still being sealed) is never picked.</li>
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
        return exclusively(() -> afterSealing().thenCompose(v -> applyRetention()));
    }

    /** Runs {@code run} after every retention, DeleteRecords and compaction run asked for before it has ended. */
    private <T> CompletableFuture<T> exclusively(java.util.function.Supplier<CompletableFuture<T>> run) {
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

    /** Completes once the segments being sealed now are sealed. */
    private CompletableFuture<Void> afterSealing() {
        CompletableFuture<?>[] sealing;
        synchronized (lock) {
            sealing = seals.toArray(CompletableFuture[]::new);
        }
        return CompletableFuture.allOf(sealing);
    }

    private CompletableFuture<Integer> applyRetention() {
        LogConfig cfg = config;
        long now = clock.millis();
        List<Segment> doomed = new ArrayList<>();
        long newStart;
        synchronized (lock) {
            if (closed != null || failure != null) {
                return CompletableFuture.completedFuture(0);
            }
            long total = 0;
            for (Segment s : segments.values()) {
                total += s.sizeBytes();
            }
            for (Segment s : segments.values()) {
                if (!s.isSealed()) {
                    break;
                }
                boolean expired = cfg.retentionMs() >= 0 && now - s.retentionTimestamp() > cfg.retentionMs();
                boolean oversized = cfg.retentionBytes() >= 0 && total - s.sizeBytes() >= cfg.retentionBytes();
                if (!expired && !oversized) {
                    break;
                }
                doomed.add(s);
                total -= s.sizeBytes();
            }
            if (doomed.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            newStart = segments.higherKey(doomed.get(doomed.size() - 1).baseOffset());
        }
        return truncateHead(doomed, newStart, "Retention");
    }

    @Override
    public int expireProducers(long expirationMs) {
        synchronized (lock) {
            return producers.expire(clock.millis(), expirationMs);
        }
    }

    @Override
    public CompletableFuture<Long> deleteRecordsBefore(long offset) {
        long hw = highWatermark;
        long target = offset == -1 ? hw : offset;
        if (target < 0 || target > hw) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException(target, logStartOffset, hw));
        }
        return exclusively(() -> afterSealing().thenCompose(v -> {
            if (target <= logStartOffset) {
                return CompletableFuture.completedFuture(logStartOffset);
            }
            List<Segment> doomed = new ArrayList<>();
            synchronized (lock) {
                for (Segment s : segments.values()) {
                    Long next = segments.higherKey(s.baseOffset());
                    if (!s.isSealed() || next == null || next > target) {
                        break;
                    }
                    doomed.add(s);
                }
            }
            return truncateHead(doomed, target, "DeleteRecords").thenApply(n -> logStartOffset);
        }));
    }

    /**
     * Moves the log start offset up to {@code newStart}, dropping {@code doomed} (whole sealed segments below it):
     * compare-and-set the partition record first, then drop them from memory and delete their ledgers.
     */
    private CompletableFuture<Integer> truncateHead(List<Segment> doomed, long newStart, String why) {
        Set<Long> ids = new HashSet<>();
        doomed.forEach(s -> ids.add(s.ledgerId()));
        // Empty segments left by compaction are not in memory; those wholly below the new start go as well.
        Set<Long> empty = new HashSet<>();
        return updateMetadata(r -> {
            empty.clear();
            List<SegmentRecord> kept = new ArrayList<>();
            for (SegmentRecord s : r.segments()) {
                if (s.sealed() && s.entryCount() == 0 && s.endOffset() <= newStart) {
                    empty.add(s.ledgerId());
                } else if (!ids.contains(s.ledgerId())) {
                    kept.add(s);
                }
            }
            return new PartitionRecord(Math.max(r.logStartOffset(), newStart), r.writerEpoch(), r.cleanOffset(), kept);
        })
                .thenApply(v -> {
                    logStartOffset = Math.max(logStartOffset, newStart);
                    doomed.forEach(s -> segments.remove(s.baseOffset()));
                    cache.truncateBelow(newStart);
                    for (Segment s : doomed) {
                        deleteLedgerAfter(s.closeReader(), s.ledgerId(), why);
                    }
                    empty.forEach(id -> deleteLedgerAfter(CompletableFuture.completedFuture(null), id, why));
                    LOG.info("{} deleted {} segment(s) of {}; log start offset is now {}", why, doomed.size(), name,
                            logStartOffset);
                    return doomed.size();
                })
                .whenComplete((n, e) -> {
                    if (e != null) {
                        failUnlocked(e);
                    }
                });
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
        return exclusively(() -> afterSealing().thenCompose(v -> compactNow()));
    }

    private CompletableFuture<CompactionStats> compactNow() {
        LogConfig cfg = config;
        long now = clock.millis();
        long clean = cleanOffset;
        List<Segment> inputs = new ArrayList<>();
        synchronized (lock) {
            if (closed != null || failure != null || !cfg.cleanupPolicy().compacts()) {
                return CompletableFuture.completedFuture(CompactionStats.NONE);
            }
            long total = 0;
            long dirty = 0;
            long oldestDirtyMs = Long.MAX_VALUE;
            for (Segment s : segments.values()) {
                boolean isDirty = s.endOffset() > clean;
                if (!s.isSealed() || isDirty && now - s.retentionTimestamp() < cfg.minCompactionLagMs()) {
                    break;
                }
                inputs.add(s);
                total += s.sizeBytes();
                dirty += isDirty ? s.sizeBytes() : 0;
                if (isDirty) {
                    oldestDirtyMs = Math.min(oldestDirtyMs, s.createdAtMs());
                }
            }
            // max.compaction.lag.ms: a dirty segment that old is compacted whatever the ratio.
            boolean overdue = oldestDirtyMs != Long.MAX_VALUE && now - oldestDirtyMs >= cfg.maxCompactionLagMs();
            if (dirty == 0 || dirty < cfg.minCleanableDirtyRatio() * total && !overdue) {
                return CompletableFuture.completedFuture(CompactionStats.NONE);
            }
        }
        SegmentCompactor compactor = new SegmentCompactor(ledgers, ledgerReplication(cfg), partition, cfg, now,
                keyBudgetBytes);
        return compactor.compact(inputs, clean).thenCompose(result -> swapIn(result, compactor));
    }

    /** Steps 3 and 4 of {@link #compact}. */
    private CompletableFuture<CompactionStats> swapIn(SegmentCompactor.Result result, SegmentCompactor compactor) {
        List<SegmentRecord> replaced = new ArrayList<>();
        return updateMetadata(r -> {
            replaced.clear();
            List<SegmentRecord> chain = new ArrayList<>();
            long at = result.start();
            for (SegmentRecord s : r.segments()) {
                if (s.sealed() && s.baseOffset() >= result.start() && s.endOffset() <= result.end()) {
                    if (s.baseOffset() != at) {
                        break;
                    }
                    if (replaced.isEmpty()) {
                        chain.addAll(result.segments());
                    }
                    replaced.add(s);
                    at = s.endOffset();
                } else {
                    chain.add(s);
                }
            }
            if (at != result.end()) {
                replaced.clear();
                return r;
            }
            return new PartitionRecord(r.logStartOffset(), r.writerEpoch(), result.cleanOffset(), chain);
        }).handle((v, error) -> {
            if (error != null || replaced.isEmpty()) {
                compactor.discard();
                if (error != null) {
                    failUnlocked(error);
                    throw BookKeeperErrors.translate(error, name);
                }
                LOG.info("Compaction of {} dropped: its segments changed meanwhile", name);
                return CompactionStats.NONE;
            }
            Set<Long> oldIds = new HashSet<>();
            replaced.forEach(s -> oldIds.add(s.ledgerId()));
            List<Segment> old = segments.values().stream().filter(s -> oldIds.contains(s.ledgerId())).toList();
            for (SegmentRecord record : result.segments()) {
                if (record.entryCount() > 0) {
                    segments.put(record.baseOffset(), Segment.sealed(ledgers, record));
                }
            }
            for (Segment s : old) {
                s.replaced();
                segments.remove(s.baseOffset(), s);
            }
            cleanOffset = result.cleanOffset();
            cache.truncateBelow(result.end());
            readAhead.clear();
            for (SegmentRecord s : replaced) {
                CompletableFuture<Void> released = old.stream().filter(o -> o.ledgerId() == s.ledgerId())
                        .findFirst().map(Segment::closeReader).orElse(CompletableFuture.completedFuture(null));
                deleteLedgerAfter(released, s.ledgerId(), "Compaction");
            }
            CompactionStats stats = result.stats();
            LOG.info("Compacted {} segment(s) of {} into {}: {} of {} records removed, {} -> {} bytes; clean up to {}",
                    stats.segmentsRead(), name, stats.segmentsWritten(), stats.recordsRemoved(), stats.recordsRead(),
                    stats.bytesBefore(), stats.bytesAfter(), result.cleanOffset());
            return stats;
        });
    }

    /**
     * Closes the log.
     * <ol>
     *   <li>Refuse new appends; wait until every append in flight and every segment being sealed completed.</li>
     *   <li>If the log has not failed, close the open ledger and compare-and-set it as sealed (an empty one is
     *       removed from the chain and deleted instead), so the next open has nothing to recover.</li>
     *   <li>Release read handles.</li>
     * </ol>
     */
    @Override
    public CompletableFuture<Void> closeAsync() {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        CompletableFuture<Void> result;
        synchronized (lock) {
            if (closed != null) {
                return closed;
            }
            closed = new CompletableFuture<>();
            result = closed;
            pending.forEach(p -> inFlight.add(p.future));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .handle((v, e) -> {
                    synchronized (lock) {
                        return CompletableFuture.allOf(seals.toArray(CompletableFuture[]::new));
                    }
                })
                .thenCompose(f -> f.handle((v, e) -> null))
                .thenCompose(v -> sealActiveOnClose())
                .thenCompose(v -> saveProducerSnapshotOnClose())
                .whenComplete((v, e) -> {
                    segments.values().forEach(Segment::closeReader);
                    cache.clear();
                    highWatermarkAdvanced.get().complete(null);
                    if (e != null) {
                        result.completeExceptionally(BookKeeperErrors.translate(e, name));
                    } else {
                        result.complete(null);
                    }
                });
        return result;
    }

    private CompletableFuture<Void> sealActiveOnClose() {
        Segment segment;
        long end;
        boolean failed;
        synchronized (lock) {
            segment = active;
            end = nextOffset;
            failed = failure != null;
        }
        WriteHandle handle = segment.writeHandle;
        if (failed) {
            // Another writer owns the ledger now, or the bookies failed; there is nothing this writer may record.
            return handle.closeAsync().handle((v, e) -> null);
        }
        if (segment.nextEntryId == 0) {
            return handle.closeAsync()
                    .thenCompose(v -> updateMetadata(r -> r.withSegments(r.segments().stream()
                            .filter(s -> s.ledgerId() != segment.ledgerId()).toList())))
                    .thenCompose(v -> ledgers.delete(segment.ledgerId()));
        }
        return handle.closeAsync().thenCompose(v -> {
            SegmentRecord sealed = segment.seal(end);
            return updateMetadata(r -> replaceSegment(r, sealed));
        });
    }

    /** The replication of ledgers created now: the topic's, with the ack quorum its min.insync.replicas sets. */
    private Replication ledgerReplication(LogConfig cfg) {
        return replication.withMinInsyncReplicas(cfg.minInsyncReplicas());
    }

    // ---- write path: methods named *Locked run under lock and never call BookKeeper or ZooKeeper ----

    /**
     * Whether the active segment is full, older than {@code segment.ms} less its jitter, or (on a compacted topic)
     * older than {@code max.compaction.lag.ms}, so that its records can be compacted in time.
     */
    private boolean shouldRoll(LogConfig cfg, int batchSize) {
        if (active.nextEntryId == 0) {
            return false;
        }
        long age = clock.millis() - active.createdAtMs();
        return active.bytesWritten + batchSize > cfg.segmentBytes()
                || age >= cfg.segmentMs() - cfg.rollJitterMs(partition, active.baseOffset())
                || cfg.cleanupPolicy().compacts() && age >= cfg.maxCompactionLagMs();
    }

    private void assignEntryLocked(Segment segment, PendingAppend append) {
        append.segment = segment;
        append.entryId = segment.nextEntry(append.baseOffset, append.batch.remaining());
        toSubmit.addLast(append);
    }

    /** Hands queued entries to BookKeeper in entry order; one thread at a time does it, never under the lock. */
    private void submitWrites() {
        synchronized (lock) {
            if (submitting || toSubmit.isEmpty()) {
                return;
            }
            submitting = true;
        }
        while (true) {
            PendingAppend next;
            synchronized (lock) {
                next = toSubmit.pollFirst();
                if (next == null) {
                    submitting = false;
                    return;
                }
            }
            CompletableFuture<Long> written;
            try {
                written = next.segment.writeHandle.appendAsync(Unpooled.wrappedBuffer(next.batch.duplicate()));
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            written.whenComplete((entryId, error) -> onWritten(next, error));
        }
    }

    /**
     * Rolls to a new segment starting at {@code base}.
     * <ol>
     *   <li>Appends from now on wait for the new segment.</li>
     *   <li>Create a ledger and compare-and-set the partition record with it appended as the open segment. If the
     *       compare-and-set loses, the log was taken over: delete the ledger and fail the waiting appends.</li>
     *   <li>Make it the active segment and write the waiting appends to it in order.</li>
     *   <li>Once the previous segment has no append in flight, close its ledger and compare-and-set it as sealed
     *       ({@link #sealRolled}).</li>
     * </ol>
     */
    private void roll(long base) {
        Segment previous = active;
        long createdAt = clock.millis();
        ledgers.create(ledgerReplication(config), partition, base)
                .thenCompose(handle -> updateMetadata(r -> r.withSegments(append(r.segments(),
                        SegmentRecord.open(handle.getId(), base, createdAt))))
                        .handle((v, e) -> {
                            if (e != null) {
                                handle.closeAsync().whenComplete((x, y) -> ledgers.delete(handle.getId()));
                                throw BookKeeperErrors.translate(e, name);
                            }
                            return handle;
                        }))
                .whenComplete((handle, error) -> onRolled(previous, base, createdAt, handle, error));
    }

    private void onRolled(Segment previous, long base, long createdAt, WriteHandle handle, Throwable error) {
        boolean complete;
        Runnable seal;
        synchronized (lock) {
            seal = null;
            List<PendingAppend> waiting = awaitingSegment;
            awaitingSegment = null;
            if (error != null) {
                failLocked(BookKeeperErrors.translate(error, name), waiting);
            } else {
                Segment next = Segment.forWriting(ledgers, handle, base, createdAt);
                segments.put(base, next);
                active = next;
                if (failure != null) {
                    failLocked(failure, waiting);
                } else {
                    waiting.forEach(p -> assignEntryLocked(next, p));
                }
                seal = sealReadyLocked();
            }
            drainLocked();
            complete = claimCompletionsLocked();
        }
        submitWrites();
        if (seal != null) {
            seal.run();
        }
        if (complete) {
            runCompletions();
        }
    }

    private void onWritten(PendingAppend append, Throwable error) {
        boolean complete;
        Runnable seal;
        synchronized (lock) {
            append.segment.inFlight--;
            if (error == null) {
                append.state = PendingAppend.State.WRITTEN;
            } else {
                append.state = PendingAppend.State.FAILED;
                append.error = BookKeeperErrors.translate(error, name);
                if (failure == null) {
                    failure = append.error;
                    LOG.warn("Append to {} at offset {} failed; the log refuses appends until reopened: {}", name,
                            append.baseOffset, append.error.getMessage());
                }
            }
            drainLocked();
            seal = sealReadyLocked();
            complete = claimCompletionsLocked();
        }
        if (seal != null) {
            seal.run();
        }
        if (complete) {
            runCompletions();
        }
    }

    private void failLocked(LogException error, List<PendingAppend> appends) {
        if (failure == null) {
            failure = error;
            LOG.warn("Partition log {} failed and refuses appends until reopened: {}", name, error.getMessage());
        }
        for (PendingAppend p : appends) {
            if (p.state == PendingAppend.State.WAITING) {
                p.state = PendingAppend.State.FAILED;
                p.error = failure;
            }
        }
    }

    /** Completes appends from the head while they are done: in offset order, none after a failed one succeeds. */
    private void drainLocked() {
        long highWatermarkBefore = highWatermark;
        PendingAppend head;
        while ((head = pending.peekFirst()) != null && head.state != PendingAppend.State.WAITING) {
            pending.pollFirst();
            PendingAppend done = head;
            if (done.state == PendingAppend.State.WRITTEN) {
                cache.add(done.batch);
                bytesSinceSnapshot += done.batch.remaining();
                done.segment.acknowledged(done.entryId, done.batch);
                highWatermark = done.lastOffset + 1;
                AppendResult result = new AppendResult(done.baseOffset, done.lastOffset, done.logAppendTimeMs);
                completions.add(() -> done.future.complete(result));
            } else {
                LogException error = done.error;
                completions.add(() -> done.future.completeExceptionally(error));
                for (PendingAppend later : pending) {
                    later.state = PendingAppend.State.FAILED;
                    completions.add(() -> later.future.completeExceptionally(error));
                }
                pending.clear();
            }
        }
        if (highWatermark != highWatermarkBefore) {
            CompletableFuture<Void> advanced = highWatermarkAdvanced.getAndSet(new CompletableFuture<>());
            completions.add(() -> advanced.complete(null));
        }
        if (bytesSinceSnapshot >= PRODUCER_STATE_TAIL_BYTES && !snapshotting && producers.size() > 0) {
            ProducerSnapshot snapshot = producers.snapshot(highWatermark);
            bytesSinceSnapshot = 0;
            snapshotting = true;
            completions.add(() -> saveProducerSnapshot(snapshot));
        }
    }

    /**
     * Returns the action (to run unlocked) that seals the rolled segments whose every append is acknowledged, in
     * chain order: a segment is sealed only after every segment before it, so a sealed segment never follows a gap.
     */
    private Runnable sealReadyLocked() {
        if (failure != null) {
            return null;
        }
        List<Runnable> actions = new ArrayList<>();
        for (Map.Entry<Long, Segment> e : segments.entrySet()) {
            Segment segment = e.getValue();
            if (segment == active) {
                break;
            }
            if (segment.writeHandle == null || segment.isSealed() || segment.sealing) {
                continue;
            }
            long end = segments.higherKey(segment.baseOffset());
            if (segment.inFlight > 0 || highWatermark < end) {
                break;
            }
            segment.sealing = true;
            CompletableFuture<Void> sealed = new CompletableFuture<>();
            seals.add(sealed);
            sealed.whenComplete((v, x) -> {
                synchronized (lock) {
                    seals.remove(sealed);
                }
            });
            actions.add(() -> sealRolled(segment, end).whenComplete((v, x) -> sealed.complete(null)));
        }
        return actions.isEmpty() ? null : () -> actions.forEach(Runnable::run);
    }

    /** Step 4 of {@link #roll}: closes a rolled segment's ledger and records it as sealed. */
    private CompletableFuture<Void> sealRolled(Segment segment, long end) {
        return segment.writeHandle.closeAsync()
                .thenCompose(v -> updateMetadata(r -> replaceSegment(r, segment.seal(end))))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        failUnlocked(e);
                    }
                });
    }

    private void failUnlocked(Throwable error) {
        boolean complete;
        synchronized (lock) {
            failLocked(BookKeeperErrors.translate(error, name), List.of());
            complete = claimCompletionsLocked();
        }
        if (complete) {
            runCompletions();
        }
    }

    /** Deletes a ledger the chain no longer refers to once {@code released}; a failure only leaves garbage. */
    private void deleteLedgerAfter(CompletableFuture<Void> released, long ledgerId, String why) {
        released.handle((x, e) -> ledgers.delete(ledgerId)).thenCompose(f -> f).whenComplete((x, e) -> {
            if (e != null && !BookKeeperErrors.isNoSuchLedger(e)) {
                LOG.warn("{} could not delete ledger {} of {}: {}", why, ledgerId, name, e.toString());
            }
        });
    }

    @Override
    public boolean failed() {
        synchronized (lock) {
            return failure != null;
        }
    }

    /**
     * Queues a compare-and-set of the partition record behind the ones already queued; never takes the lock. A
     * change that returns the record it was given writes nothing.
     */
    private CompletableFuture<Void> updateMetadata(UnaryOperator<PartitionRecord> change) {
        CompletableFuture<Versioned<PartitionRecord>> next = new CompletableFuture<>();
        lastMetadata.getAndSet(next)
                .thenCompose(current -> {
                    PartitionRecord changed = change.apply(current.value());
                    return changed == current.value() ? CompletableFuture.completedFuture(current)
                            : metadata.compareAndSetPartition(partition.topic(), partition.partition(), changed,
                                    current.version());
                })
                .whenComplete((stored, error) -> {
                    if (error != null) {
                        next.completeExceptionally(error);
                    } else {
                        next.complete(stored);
                    }
                });
        return next.thenApply(v -> null);
    }

    private boolean claimCompletionsLocked() {
        if (completing || completions.isEmpty()) {
            return false;
        }
        completing = true;
        return true;
    }

    /** Runs queued completions one at a time, outside the lock, so futures complete in the order queued. */
    private void runCompletions() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                next = completions.poll();
                if (next == null) {
                    completing = false;
                    return;
                }
            }
            next.run();
        }
    }

    private static List<SegmentRecord> append(List<SegmentRecord> chain, SegmentRecord segment) {
        List<SegmentRecord> result = new ArrayList<>(chain);
        result.add(segment);
        return result;
    }

    private static PartitionRecord replaceSegment(PartitionRecord record, SegmentRecord sealed) {
        return record.withSegments(record.segments().stream()
                .map(s -> s.ledgerId() == sealed.ledgerId() ? sealed : s).toList());
    }

    @Override
    public String toString() {
        return "BookKeeperPartitionLog[" + name + "]";
    }
}
