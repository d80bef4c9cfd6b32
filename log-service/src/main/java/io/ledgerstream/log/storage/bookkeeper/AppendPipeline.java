package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.metrics.StorageMetrics;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.BatchCache;
import io.ledgerstream.log.partition.LogClosedException;
import io.ledgerstream.log.partition.LogException;
import io.ledgerstream.log.partition.ProducerStateTable;
import io.ledgerstream.log.partition.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of a partition log: appends from offset assignment to completion, rolling to a new segment and
 * sealing the rolled ones, transaction markers, and the producers' state that decides each append and bounds the last
 * stable offset.
 *
 * <p>Offsets and entry ids are assigned in call order under one lock; a {@link SequentialRunner} hands the entries
 * to BookKeeper in that order, outside the lock (BookKeeper calls back into the log while holding its own locks, so
 * the pipeline never calls BookKeeper while holding its lock). Appends complete in offset order, through a second
 * runner, once each reached the ack quorum; the high watermark follows completions. A write that fails fails every
 * append after it, and the pipeline refuses appends until the log is reopened. Methods named {@code *Locked} run
 * under the lock and never call BookKeeper or ZooKeeper.
 *
 * <p>When the topic's flush settings ask for less than an fsync per write, new ledgers are created with deferred
 * sync and a {@link LedgerForcer} forces them: appends complete and the high watermark moves on acknowledgement,
 * before the journals' fsync, as in Kafka; a ledger is forced before it is closed.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
final class AppendPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(AppendPipeline.class);

    private final TopicPartition partition;
    private final String name;
    private final int writerEpoch;
    private final Clock clock;
    private final BookKeeperLedgers ledgers;
    private final Replication replication;
    private final Supplier<LogConfig> config;
    private final SegmentChain chain;
    private final BatchCache cache;
    private final ProducerState producers;
    private final SequentialRunner writes;
    private final SequentialRunner completions;
    private final StorageMetrics metrics;
    private volatile long highWatermark;
    private final HighWatermarkWaiters highWatermarkWaiters = new HighWatermarkWaiters();

    private final Object lock = new Object();
    @GuardedBy("lock")
    private SegmentWriter active;
    /** Segments rolled from and not yet sealed, and the active one last, in chain order. */
    @GuardedBy("lock")
    private final ArrayDeque<SegmentWriter> writers = new ArrayDeque<>();
    @GuardedBy("lock")
    private long nextOffset;
    @GuardedBy("lock")
    private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
    /** Appends waiting for the next segment while a roll is under way; null when none is. */
    @GuardedBy("lock")
    private List<PendingAppend> awaitingSegment;
    @GuardedBy("lock")
    private LogException failure;
    @GuardedBy("lock")
    private boolean closing;
    @GuardedBy("lock")
    private final List<CompletableFuture<Void>> seals = new ArrayList<>();
    /** Forcers of deferred-sync ledgers that counted acknowledged records, to run once the lock is released. */
    @GuardedBy("lock")
    private final Set<LedgerForcer> forcesDue = new LinkedHashSet<>();

    AppendPipeline(TopicPartition partition, int writerEpoch, Clock clock, BookKeeperLedgers ledgers,
                   Replication replication, Supplier<LogConfig> config, SegmentChain chain, BatchCache cache,
                   ProducerState producers, Segment open,
                   WriteHandle handle, StorageMetrics metrics) {
        this.partition = partition;
        this.metrics = metrics;
        this.name = partition.toString();
        this.writerEpoch = writerEpoch;
        this.clock = clock;
        this.ledgers = ledgers;
        this.replication = replication;
        this.config = config;
        this.chain = chain;
        this.cache = cache;
        this.producers = producers;
        this.writes = new SequentialRunner("the writes of " + name);
        this.completions = new SequentialRunner("the completions of " + name);
        synchronized (lock) {
            this.active = writerFor(open, handle);
            writers.add(active);
            this.nextOffset = open.baseOffset();
        }
        this.highWatermark = open.baseOffset();
    }

    long highWatermark() {
        return highWatermark;
    }

    /** The last stable offset: below it every transaction is decided. */
    long lastStableOffset() {
        return producers.lastStableOffset(highWatermark);
    }

    CompletableFuture<Void> highWatermarkAdvanced() {
        return highWatermarkWaiters.next();
    }

    /**
     * Appends a validated batch this pipeline owns: checks its producer's sequence, assigns its offsets, and
     * queues it for the active segment, or for the next one when the active one is due to roll.
     */
    CompletableFuture<AppendResult> append(ByteBuffer owned, long logAppendTime, LogConfig cfg) {
        int count = RecordBatches.recordCount(owned);
        long producerId = RecordBatches.producerId(owned);
        int firstSeq = RecordBatches.baseSequence(owned);
        boolean idempotent = producerId >= 0 && firstSeq >= 0;
        boolean transactional = producerId >= 0 && RecordBatches.isTransactionalOrControl(owned);
        PendingAppend append;
        long rollAt;
        synchronized (lock) {
            CompletableFuture<AppendResult> refused = refusalLocked();
            if (refused != null) {
                return refused;
            }
            short producerEpoch = RecordBatches.producerEpoch(owned);
            int lastSeq = ProducerStateTable.lastSequence(owned);
            try {
                if (idempotent) {
                    CompletableFuture<AppendResult> original = producers.check(producerId, producerEpoch, firstSeq,
                            lastSeq);
                    if (original != null) {
                        return original;
                    }
                } else if (transactional) {
                    producers.checkEpoch(producerId, producerEpoch);
                }
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            long base = nextOffset;
            append = new PendingAppend(owned, base, base + count - 1, logAppendTime, null);
            if (idempotent || transactional) {
                producers.accepted(owned, base, base + count - 1, append.future);
            }
            rollAt = placeLocked(append, cfg);
        }
        return afterPlaced(append, rollAt);
    }

    /**
     * Appends a transaction marker of {@code producerId}: it ends the producer's open transaction here once
     * acknowledged (an abort enters the aborted index), and, with a newer epoch, fences the producer's older epochs
     * from now on. Fails with {@code InvalidProducerEpochException} if its epoch is older than the producer's, with
     * {@code TransactionCoordinatorFencedException} if a marker of a newer coordinator epoch came before.
     */
    CompletableFuture<AppendResult> appendMarker(ByteBuffer marker, boolean commit, int coordinatorEpoch,
                                                 LogConfig cfg) {
        long producerId = RecordBatches.producerId(marker);
        PendingAppend append;
        long rollAt;
        synchronized (lock) {
            CompletableFuture<AppendResult> refused = refusalLocked();
            if (refused != null) {
                return refused;
            }
            try {
                producers.fence(producerId, RecordBatches.producerEpoch(marker), coordinatorEpoch);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            append = new PendingAppend(marker, nextOffset, nextOffset, -1, commit);
            rollAt = placeLocked(append, cfg);
        }
        return afterPlaced(append, rollAt);
    }

    @GuardedBy("lock")
    private CompletableFuture<AppendResult> refusalLocked() {
        if (closing) {
            return CompletableFuture.failedFuture(new LogClosedException(name));
        }
        return failure != null ? CompletableFuture.failedFuture(failure) : null;
    }

    /**
     * Gives the append its offsets and queues it for the active segment, or for the next one when the active one
     * is due to roll; returns the offset to roll at, or -1.
     */
    @GuardedBy("lock")
    private long placeLocked(PendingAppend append, LogConfig cfg) {
        RecordBatches.assign(append.batch, append.baseOffset, writerEpoch);
        nextOffset = append.lastOffset + 1;
        pending.addLast(append);
        if (awaitingSegment != null) {
            awaitingSegment.add(append);
        } else if (shouldRollLocked(cfg, append.batch.remaining())) {
            awaitingSegment = new ArrayList<>(List.of(append));
            return append.baseOffset;
        } else {
            assignEntryLocked(active, append);
        }
        return -1;
    }

    private CompletableFuture<AppendResult> afterPlaced(PendingAppend append, long rollAt) {
        if (rollAt >= 0) {
            roll(rollAt);
        }
        writes.runQueued();
        return append.future;
    }

    /**
     * Whether the active segment is full, older than {@code segment.ms} less its jitter, (on a compacted topic)
     * older than {@code max.compaction.lag.ms}, so that its records can be compacted in time, or written in the other
     * sync mode than the topic's flush settings now ask for.
     */
    @GuardedBy("lock")
    private boolean shouldRollLocked(LogConfig cfg, int batchSize) {
        if (active.nextEntryId == 0) {
            return false;
        }
        long age = clock.millis() - active.segment.createdAtMs();
        return active.deferred() != cfg.flush().deferred()
                || active.bytesWritten + batchSize > cfg.segmentBytes()
                || age >= cfg.segmentMs() - cfg.rollJitterMs(partition, active.segment.baseOffset())
                || cfg.cleanupPolicy().compacts() && age >= cfg.maxCompactionLagMs();
    }

    /** Gives the append the writer's next entry and queues its write, in entry order. */
    @GuardedBy("lock")
    private void assignEntryLocked(SegmentWriter writer, PendingAppend append) {
        long entryId = writer.nextEntryId++;
        writer.segment.indexEntry(entryId, append.baseOffset);
        writer.inFlight++;
        writer.bytesWritten += append.batch.remaining();
        append.writer = writer;
        append.entryId = entryId;
        ByteBuffer batch = append.batch;
        writes.enqueue(() -> {
            long handedOver = metrics.appendStarted();
            // The one copy of the batch: into pooled direct memory that BookKeeper writes and the tail cache keeps.
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(batch.remaining())
                    .writeBytes(batch.duplicate());
            writer.write(direct).whenComplete((id, error) -> {
                metrics.appendDone(handedOver);
                onWritten(append, direct, error);
            });
        });
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
        long createdAt = clock.millis();
        LogConfig cfg = config.get();
        ledgers.create(replication.withMinInsyncReplicas(cfg.minInsyncReplicas()), partition, base,
                        cfg.flush().deferred())
                .thenCompose(handle -> chain.recordOpened(SegmentRecord.open(handle.getId(), base, createdAt))
                        .handle((v, e) -> {
                            if (e != null) {
                                ledgers.close(handle).whenComplete((x, y) -> ledgers.delete(handle.getId()));
                                throw BookKeeperErrors.translate(e, name);
                            }
                            return handle;
                        }))
                .whenComplete((handle, error) -> onRolled(base, createdAt, handle, error));
    }

    private void onRolled(long base, long createdAt, WriteHandle handle, Throwable error) {
        Runnable seal;
        List<LedgerForcer> due;
        synchronized (lock) {
            seal = null;
            List<PendingAppend> waiting = awaitingSegment;
            awaitingSegment = null;
            if (error != null) {
                failLocked(BookKeeperErrors.translate(error, name), waiting);
            } else {
                Segment segment = Segment.forWriting(ledgers, handle, base, createdAt);
                chain.add(segment);
                SegmentWriter next = writerFor(segment, handle);
                writers.add(next);
                active = next;
                if (failure != null) {
                    failLocked(failure, waiting);
                } else {
                    waiting.forEach(p -> assignEntryLocked(next, p));
                }
                seal = sealReadyLocked();
            }
            drainLocked();
            due = takeForcesDueLocked();
        }
        writes.runQueued();
        if (seal != null) {
            seal.run();
        }
        due.forEach(LedgerForcer::forceIfDue);
        completions.runQueued();
    }

    /** An entry's write completed; {@code direct} is its bytes, whose reference the append keeps or releases. */
    private void onWritten(PendingAppend append, ByteBuf direct, Throwable error) {
        Runnable seal;
        List<LedgerForcer> due;
        synchronized (lock) {
            append.writer.inFlight--;
            if (error == null && append.state == PendingAppend.State.WAITING) {
                append.state = PendingAppend.State.WRITTEN;
                append.direct = direct;
            } else if (error == null) {
                // Failed already, behind an earlier write that failed: nobody reads it.
                direct.release();
            } else {
                direct.release();
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
            due = takeForcesDueLocked();
        }
        if (seal != null) {
            seal.run();
        }
        due.forEach(LedgerForcer::forceIfDue);
        completions.runQueued();
    }

    @GuardedBy("lock")
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
    @GuardedBy("lock")
    private void drainLocked() {
        long highWatermarkBefore = highWatermark;
        Runnable snapshot = null;
        PendingAppend head;
        while ((head = pending.peekFirst()) != null && head.state != PendingAppend.State.WAITING) {
            pending.pollFirst();
            PendingAppend done = head;
            if (done.state == PendingAppend.State.WRITTEN) {
                cache.add(done.takeDirect());
                done.writer.segment.acknowledged(done.entryId, done.batch);
                highWatermark = done.lastOffset + 1;
                if (done.writer.deferred()) {
                    done.writer.forcer.acknowledged(done.lastOffset - done.baseOffset + 1);
                    forcesDue.add(done.writer.forcer);
                }
                if (done.commit != null) {
                    producers.markerAcknowledged(done.batch, done.baseOffset, done.commit);
                }
                Runnable due = producers.acknowledged(done.batch.remaining(), highWatermark);
                snapshot = due != null ? due : snapshot;
                AppendResult result = new AppendResult(done.baseOffset, done.lastOffset, done.logAppendTimeMs);
                completions.enqueue(() -> done.future.complete(result));
            } else {
                LogException error = done.error;
                completions.enqueue(() -> done.future.completeExceptionally(error));
                for (PendingAppend later : pending) {
                    later.state = PendingAppend.State.FAILED;
                    if (later.direct != null) {
                        later.takeDirect().release();
                    }
                    completions.enqueue(() -> later.future.completeExceptionally(error));
                }
                pending.clear();
            }
        }
        if (highWatermark != highWatermarkBefore) {
            List<CompletableFuture<Void>> woken = highWatermarkWaiters.current();
            completions.enqueue(() -> woken.forEach(w -> w.complete(null)));
        }
        if (snapshot != null) {
            completions.enqueue(snapshot);
        }
    }

    /**
     * Returns the action (to run unlocked) that seals the rolled segments whose every append is acknowledged, in
     * chain order: a segment is sealed only after every segment before it, so a sealed segment never follows a gap.
     */
    @GuardedBy("lock")
    private Runnable sealReadyLocked() {
        if (failure != null) {
            return null;
        }
        List<Runnable> actions = new ArrayList<>();
        for (SegmentWriter writer : writers) {
            if (writer == active) {
                break;
            }
            if (writer.sealing) {
                continue;
            }
            long end = chain.nextBase(writer.segment.baseOffset());
            if (writer.inFlight > 0 || highWatermark < end) {
                break;
            }
            writer.sealing = true;
            CompletableFuture<Void> sealed = new CompletableFuture<>();
            seals.add(sealed);
            sealed.whenComplete((v, x) -> {
                synchronized (lock) {
                    seals.remove(sealed);
                    writers.remove(writer);
                }
            });
            actions.add(() -> sealRolled(writer, end).whenComplete((v, x) -> sealed.complete(null)));
        }
        return actions.isEmpty() ? null : () -> actions.forEach(Runnable::run);
    }

    /** Step 4 of {@link #roll}: closes a rolled segment's ledger and records it as sealed. */
    private CompletableFuture<Void> sealRolled(SegmentWriter writer, long end) {
        return writer.forceAndClose(ledgers)
                .thenCompose(v -> chain.recordSealed(() -> writer.segment.seal(end)))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        fail(e);
                    }
                });
    }

    /** Fails the log: appends are refused until it is reopened. */
    void fail(Throwable error) {
        synchronized (lock) {
            failLocked(BookKeeperErrors.translate(error, name), List.of());
        }
        completions.runQueued();
    }

    boolean failed() {
        synchronized (lock) {
            return failure != null;
        }
    }

    /** Whether retention, DeleteRecords and compaction may change the log: it is neither closing nor failed. */
    boolean acceptsMaintenance() {
        synchronized (lock) {
            return !closing && failure == null;
        }
    }

    /** Completes once the segments being sealed now are sealed. */
    CompletableFuture<Void> afterSealing() {
        CompletableFuture<?>[] sealing;
        synchronized (lock) {
            sealing = seals.toArray(CompletableFuture[]::new);
        }
        return CompletableFuture.allOf(sealing);
    }

    /**
     * Steps 1 and 2 of closing the log: refuse new appends; wait until every append in flight and every segment
     * being sealed completed; then, unless the log failed, close the open ledger and compare-and-set it as sealed
     * (an empty one is removed from the chain and deleted instead), so the next open has nothing to recover.
     */
    CompletableFuture<Void> close() {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        synchronized (lock) {
            closing = true;
            pending.forEach(p -> inFlight.add(p.future));
        }
        return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .handle((v, e) -> afterSealing())
                .thenCompose(f -> f.handle((v, e) -> null))
                .thenCompose(v -> sealActiveOnClose());
    }

    private CompletableFuture<Void> sealActiveOnClose() {
        SegmentWriter writer;
        long end;
        boolean failed;
        boolean empty;
        synchronized (lock) {
            writer = active;
            end = nextOffset;
            failed = failure != null;
            empty = writer.nextEntryId == 0;
        }
        if (failed && writer.deferred()) {
            // Closing would end it at its last force, before entries acknowledged since: the next writer recovers it.
            writer.forcer.stop();
            ledgers.abandon(writer.handle);
            return CompletableFuture.completedFuture(null);
        }
        if (failed) {
            // Another writer owns the ledger now, or the bookies failed; there is nothing this writer may record.
            return ledgers.close(writer.handle).handle((v, e) -> {
                if (e != null) {
                    LOG.info("Closing the open ledger of failed log {} failed too: {}", name, e.toString());
                }
                return null;
            });
        }
        if (empty) {
            return ledgers.close(writer.handle).thenCompose(v -> chain.removeEmpty(writer.segment.ledgerId()));
        }
        return writer.forceAndClose(ledgers).thenCompose(v -> {
            SegmentRecord sealed = writer.segment.seal(end);
            return chain.recordSealed(() -> sealed);
        });
    }

    private SegmentWriter writerFor(Segment segment, WriteHandle handle) {
        LedgerForcer forcer = segment.deferredWrites()
                ? new LedgerForcer(handle, clock, () -> config.get().flush(), metrics, this::fail) : null;
        return new SegmentWriter(segment, handle, forcer);
    }

    /** The forcers due to start a force, taken to start outside the lock; none, unallocated, without deferred sync. */
    @GuardedBy("lock")
    private List<LedgerForcer> takeForcesDueLocked() {
        if (forcesDue.isEmpty()) {
            return List.of();
        }
        List<LedgerForcer> due = List.copyOf(forcesDue);
        forcesDue.clear();
        return due;
    }

    /** The write handle of the active segment. */
    WriteHandle activeHandle() {
        synchronized (lock) {
            return active.handle;
        }
    }

    int waitingReaders() {
        return highWatermarkWaiters.size();
    }

    /** Ends every wait on the high watermark, once the log is closed. */
    void releaseWaiters() {
        highWatermarkWaiters.release();
    }

    /** A snapshot of the producers at the high watermark, or null when there is none to take (or the log failed). */
    ProducerSnapshot producerSnapshotAtEnd() {
        synchronized (lock) {
            return failure != null ? null : producers.snapshot(highWatermark);
        }
    }
}
