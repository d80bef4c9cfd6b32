package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.metadata.Versioned;
import io.ledgerstream.log.partition.BatchCache;
import io.ledgerstream.log.partition.CompactionStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of one partition log in memory and in its partition record: the chain of metadata compare-and-sets
 * (each applied to the version the previous one left), the log start and clean offsets, dropping whole segments
 * from the head (retention, DeleteRecords) and swapping compacted segments in. It trims the readers' tail cache and
 * read-ahead along with the segments.
 *
 * <p>Thread-safe: the segment map is concurrent and readers use it without a lock; metadata updates are serialized
 * by their chain; head truncation and compaction are run one at a time by the log's maintenance chain.
 */
@ThreadSafe
final class SegmentChain {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentChain.class);

    private final TopicPartition partition;
    private final String name;
    private final MetadataStore metadata;
    private final BookKeeperLedgers ledgers;
    private final BatchCache cache;
    private final ReadAhead readAhead;
    /** Fails the log when a metadata update of a maintenance run fails: what is stored is then unknown. */
    private final Consumer<Throwable> failLog;
    /** Segments by base offset. */
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    /** The tail of the serialized chain of metadata updates: each applies to the version the previous left. */
    private final AtomicReference<CompletableFuture<Versioned<PartitionRecord>>> lastMetadata;
    private volatile long logStartOffset;
    /** Where the part not yet compacted begins; changed only by compaction. */
    private volatile long cleanOffset;

    SegmentChain(TopicPartition partition, MetadataStore metadata, BookKeeperLedgers ledgers, BatchCache cache,
                 ReadAhead readAhead, Consumer<Throwable> failLog, PartitionOpener.Opened opened) {
        this.partition = partition;
        this.name = partition.toString();
        this.metadata = metadata;
        this.ledgers = ledgers;
        this.cache = cache;
        this.readAhead = readAhead;
        this.failLog = failLog;
        PartitionRecord record = opened.metadata().value();
        for (SegmentRecord sealed : opened.sealedSegments()) {
            if (sealed.entryCount() > 0) {
                segments.put(sealed.baseOffset(), Segment.sealed(ledgers, sealed));
            }
        }
        this.logStartOffset = record.logStartOffset();
        this.cleanOffset = record.cleanOffset();
        this.lastMetadata = new AtomicReference<>(CompletableFuture.completedFuture(opened.metadata()));
    }

    long logStartOffset() {
        return logStartOffset;
    }

    long cleanOffset() {
        return cleanOffset;
    }

    /** Adds a segment this writer opened (on open or on a roll). */
    void add(Segment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    Collection<Segment> segments() {
        return segments.values();
    }

    /** The base offset of the segment after the one at {@code baseOffset}, or null for the last. */
    Long nextBase(long baseOffset) {
        return segments.higherKey(baseOffset);
    }

    /** The segment holding {@code offset}, or else the first after it (compaction may leave none holding it). */
    Map.Entry<Long, Segment> segmentAtOrAfter(long offset) {
        Map.Entry<Long, Segment> floor = segments.floorEntry(offset);
        return floor != null ? floor : segments.ceilingEntry(offset);
    }

    /** Where a search for {@code timestamp} starts (ListOffsets); {@code Long.MAX_VALUE} asks for the newest. */
    long timestampSearchStart(long timestamp, long highWatermark) {
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

    /** Bytes of the segments in the chain: sealed ones as recorded, the open one as acknowledged so far. */
    long sizeBytes() {
        long bytes = 0;
        for (Segment s : segments.values()) {
            bytes += s.sizeBytes();
        }
        return bytes;
    }

    /** About the bytes from the segment holding {@code offset} to the end. */
    long bytesFrom(long offset) {
        long bytes = 0;
        for (Segment s : segments.descendingMap().values()) {
            bytes += s.sizeBytes();
            if (s.baseOffset() <= offset) {
                break;
            }
        }
        return bytes;
    }

    /** Where the last {@code tailBytes} of the log start (whole segments); {@code end} when it is empty. */
    long tailStart(long tailBytes, long end) {
        long bytes = 0;
        long from = end;
        for (Segment s : segments.descendingMap().values()) {
            from = s.baseOffset();
            bytes += s.sizeBytes();
            if (bytes >= tailBytes) {
                break;
            }
        }
        return from;
    }

    /** Records a new open segment at the end of the chain (step 2 of a roll). */
    CompletableFuture<Void> recordOpened(SegmentRecord open) {
        return updateMetadata(r -> {
            List<SegmentRecord> chain = new ArrayList<>(r.segments());
            chain.add(open);
            return r.withSegments(chain);
        });
    }

    /**
     * Records a segment as sealed, in place of its open record; {@code seal} seals it in memory when the update is
     * applied, so it is never sealed in memory before the updates queued ahead of it.
     */
    CompletableFuture<Void> recordSealed(Supplier<SegmentRecord> seal) {
        return updateMetadata(r -> {
            SegmentRecord sealed = seal.get();
            return r.withSegments(r.segments().stream()
                    .map(s -> s.ledgerId() == sealed.ledgerId() ? sealed : s).toList());
        });
    }

    /** Drops an open segment that never got an entry from the chain, then deletes its ledger. */
    CompletableFuture<Void> removeEmpty(long ledgerId) {
        return updateMetadata(r -> r.withSegments(r.segments().stream()
                .filter(s -> s.ledgerId() != ledgerId).toList()))
                .thenCompose(v -> ledgers.delete(ledgerId));
    }

    /**
     * Sealed segments retention drops, from the oldest while the newest record of each is older than
     * {@code retention.ms} or the log without it is still at least {@code retention.bytes}; it stops at the first
     * that is kept and at the first not sealed.
     */
    List<Segment> expired(LogConfig cfg, long now) {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.sizeBytes();
        }
        List<Segment> doomed = new ArrayList<>();
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
        return doomed;
    }

    /** The sealed segments from the first that end at or below {@code target}. */
    List<Segment> below(long target) {
        List<Segment> doomed = new ArrayList<>();
        for (Segment s : segments.values()) {
            Long next = segments.higherKey(s.baseOffset());
            if (!s.isSealed() || next == null || next > target) {
                break;
            }
            doomed.add(s);
        }
        return doomed;
    }

    /**
     * Moves the log start offset up to {@code newStart}, dropping {@code doomed} (whole sealed segments below it):
     * compare-and-set the partition record first, then drop them from memory and delete their ledgers. A failed
     * update fails the log.
     */
    CompletableFuture<Integer> truncateHead(List<Segment> doomed, long newStart, String why) {
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
                        failLog.accept(e);
                    }
                });
    }

    /**
     * The sealed segments a compaction run takes: from the first up to the first that is dirty (not yet compacted)
     * but younger than {@code min.compaction.lag.ms}, or that ends above the last stable offset (an undecided
     * transaction's records must stay as they are); none unless the dirty bytes among them are at least
     * {@code min.cleanable.dirty.ratio} of their bytes, or a dirty one is older than {@code max.compaction.lag.ms}.
     */
    List<Segment> compactionInputs(LogConfig cfg, long now, long lastStableOffset) {
        long clean = cleanOffset;
        List<Segment> inputs = new ArrayList<>();
        long total = 0;
        long dirty = 0;
        long oldestDirtyMs = Long.MAX_VALUE;
        for (Segment s : segments.values()) {
            boolean isDirty = s.endOffset() > clean;
            if (!s.isSealed() || s.endOffset() > lastStableOffset
                    || isDirty && now - s.retentionTimestamp() < cfg.minCompactionLagMs()) {
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
        return dirty == 0 || dirty < cfg.minCleanableDirtyRatio() * total && !overdue ? List.of() : inputs;
    }

    /**
     * Swaps compacted segments in: compare-and-set the partition record with them in place of the sealed ones
     * covering the same offsets, and the new clean offset; then put them in memory, drop the tail cache and
     * read-ahead below them and delete the old ledgers. If the old segments are no longer there as they were, the
     * new ledgers are dropped; if the update fails, they are dropped and the log fails.
     */
    CompletableFuture<CompactionStats> swapIn(SegmentCompactor.Result result, SegmentCompactor compactor) {
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
                    failLog.accept(error);
                    throw BookKeeperErrors.translate(error, name);
                }
                LOG.info("Compaction of {} dropped: its segments changed meanwhile", name);
                return CompactionStats.NONE;
            }
            useCompacted(result, replaced);
            CompactionStats stats = result.stats();
            LOG.info("Compacted {} segment(s) of {} into {}: {} of {} records removed, {} -> {} bytes; clean up to {}",
                    stats.segmentsRead(), name, stats.segmentsWritten(), stats.recordsRemoved(), stats.recordsRead(),
                    stats.bytesBefore(), stats.bytesAfter(), result.cleanOffset());
            return stats;
        });
    }

    private void useCompacted(SegmentCompactor.Result result, List<SegmentRecord> replaced) {
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
    }

    /** Releases the read handles of every segment. */
    void closeReaders() {
        segments.values().forEach(Segment::closeReader);
    }

    /** Deletes a ledger the chain no longer refers to once {@code released}; a failure only leaves garbage. */
    private void deleteLedgerAfter(CompletableFuture<Void> released, long ledgerId, String why) {
        released.handle((x, e) -> ledgers.delete(ledgerId)).thenCompose(f -> f).whenComplete((x, e) -> {
            if (e != null && !BookKeeperErrors.isNoSuchLedger(e)) {
                LOG.warn("{} could not delete ledger {} of {}: {}", why, ledgerId, name, e.toString());
            }
        });
    }

    /**
     * Queues a compare-and-set of the partition record behind the ones already queued. A change that returns the
     * record it was given writes nothing.
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
}
