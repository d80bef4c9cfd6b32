package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.partition.CompactionStats;
import io.ledgerstream.log.partition.AbortedTransactions;
import io.ledgerstream.log.partition.RecordBatches;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a run of sealed segments of a compacted partition into new ledgers that keep only the latest record of
 * every key. Touches no state of the partition log: the caller swaps the result in.
 * <ol>
 *   <li>Scan the part not yet compacted (from the clean offset) and note the latest offset of every key, until the
 *       {@link KeyOffsetMap} budget is used up; where the scan stops is the new clean offset.</li>
 *   <li>Rewrite every input segment from the first, batch by batch with Kafka's {@link MemoryRecords#filterTo}:
 *       a record goes when a later record of its key was seen, when it has no key, or when it is a tombstone older
 *       than {@code delete.retention.ms}. Records keep their offsets; a batch left empty goes. As in Kafka's
 *       cleaner, records of aborted transactions go and transaction markers stay (read_committed consumers need
 *       them); neither counts as a key's latest record.</li>
 *   <li>The kept batches go to new ledgers, one per run of input segments that fills {@code segment.bytes}, each
 *       covering the offsets of the input segments it replaces, gaps included.</li>
 * </ol>
 * Scanning and filtering run on the common pool, off BookKeeper's threads.
 *
 * <p>Not thread-safe, and needs no lock: one compaction run owns an instance, and its steps run one at a time, each
 * started by the completion of the one before (which orders their memory effects).
 */
final class SegmentCompactor {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentCompactor.class);
    private static final int ENTRIES_PER_READ = 256;

    /**
     * The new segments, covering exactly {@code [start, end)}, and the new clean offset.
     */
    record Result(List<SegmentRecord> segments, long start, long end, long cleanOffset, CompactionStats stats) {
    }

    private final BookKeeperLedgers ledgers;
    private final Replication replication;
    private final TopicPartition partition;
    private final LogConfig config;
    private final long now;
    private final KeyOffsetMap latest;
    private final AbortedTransactions aborted;

    // State of the rewrite; one step at a time, each after the previous completed.
    private final List<SegmentRecord> written = new ArrayList<>();
    private WriteHandle output;
    private long outputStart;
    private long outputEntries;
    private long outputBytes;
    private long outputMaxTimestamp = -1;
    private long outputCreatedAt = Long.MAX_VALUE;
    private long recordsRead;
    private long recordsKept;
    private long bytesBefore;

    SegmentCompactor(BookKeeperLedgers ledgers, Replication replication, TopicPartition partition, LogConfig config,
                     long now, long keyBudgetBytes, AbortedTransactions aborted) {
        this.aborted = aborted;
        this.ledgers = ledgers;
        this.replication = replication;
        this.partition = partition;
        this.config = config;
        this.now = now;
        this.latest = new KeyOffsetMap(keyBudgetBytes);
    }

    /**
     * Compacts {@code inputs}: sealed, in offset order, adjacent (empty segments aside), the part from
     * {@code cleanOffset} not yet compacted. On failure the ledgers written so far are deleted.
     */
    CompletableFuture<Result> compact(List<Segment> inputs, long cleanOffset) {
        return scanKeys(inputs, 0, cleanOffset, cleanOffset).thenCompose(newClean -> {
            List<Segment> rewritten = inputs.stream().filter(s -> s.baseOffset() < newClean).toList();
            outputStart = rewritten.get(0).baseOffset();
            return rewrite(rewritten, 0, 0, newClean).thenApply(v -> {
                long end = rewritten.get(rewritten.size() - 1).endOffset();
                long bytesAfter = written.stream().mapToLong(SegmentRecord::sizeBytes).sum();
                return new Result(List.copyOf(written), rewritten.get(0).baseOffset(), end, newClean,
                        new CompactionStats(rewritten.size(), written.size(), recordsRead, recordsRead - recordsKept,
                                bytesBefore, bytesAfter));
            });
        }).whenComplete((r, e) -> {
            if (e != null) {
                discard();
            }
        });
    }

    /** Step 1: notes the latest offset of each key from {@code from}; returns where the scan stopped. */
    private CompletableFuture<Long> scanKeys(List<Segment> inputs, int index, long from, long scannedTo) {
        if (index == inputs.size()) {
            return CompletableFuture.completedFuture(scannedTo);
        }
        Segment segment = inputs.get(index);
        if (segment.endOffset() <= from) {
            return scanKeys(inputs, index + 1, from, scannedTo);
        }
        return scanSegment(segment, 0, from).thenCompose(stoppedAt -> stoppedAt >= 0
                ? CompletableFuture.completedFuture(stoppedAt)
                : scanKeys(inputs, index + 1, from, segment.endOffset()));
    }

    /** Scans one segment from entry {@code entry}; returns -1 when done, or where the budget ran out. */
    private CompletableFuture<Long> scanSegment(Segment segment, long entry, long from) {
        if (entry > segment.lastEntryId()) {
            return CompletableFuture.completedFuture(-1L);
        }
        return segment.readEntries(entry, ENTRIES_PER_READ, Segment.MAX_BATCH_READ_BYTES)
                .thenApplyAsync(batches -> {
                    for (ByteBuffer batch : batches) {
                        for (MutableRecordBatch b : MemoryRecords.readableRecords(batch.duplicate()).batches()) {
                            if (b.isControlBatch() || isAborted(b)) {
                                continue;
                            }
                            try (CloseableIterator<Record> records = b.streamingIterator(BufferSupplier.NO_CACHING)) {
                                records.forEachRemaining(r -> {
                                    if (r.hasKey() && r.offset() >= from) {
                                        latest.put(r.key(), r.offset());
                                    }
                                });
                            }
                        }
                        if (latest.full()) {
                            LOG.info("Compaction of {} stops at offset {}: the key map holds {} keys, its budget",
                                    partition, RecordBatches.nextOffset(batch), latest.size());
                            return new Step<>(batches.size(), RecordBatches.nextOffset(batch));
                        }
                    }
                    return new Step<>(batches.size(), -1L);
                })
                .thenCompose(step -> step.result() >= 0 ? CompletableFuture.completedFuture(step.result())
                        : scanSegment(segment, entry + step.entriesRead(), from));
    }

    /** Steps 2 and 3 for {@code inputs[index]} from entry {@code entry} on. */
    private CompletableFuture<Void> rewrite(List<Segment> inputs, int index, long entry, long cleanEnd) {
        if (index == inputs.size()) {
            return finish(inputs.get(inputs.size() - 1).endOffset());
        }
        Segment segment = inputs.get(index);
        if (entry == 0) {
            bytesBefore += segment.sizeBytes();
            outputMaxTimestamp = Math.max(outputMaxTimestamp, segment.maxTimestamp());
            outputCreatedAt = Math.min(outputCreatedAt, segment.createdAtMs());
        }
        if (entry > segment.lastEntryId()) {
            return endOfSegment(segment).thenCompose(v -> rewrite(inputs, index + 1, 0, cleanEnd));
        }
        MemoryRecords.RecordFilter filter = filterFor(cleanEnd);
        return segment.readEntries(entry, ENTRIES_PER_READ, Segment.MAX_BATCH_READ_BYTES)
                .thenApplyAsync(batches -> {
                    List<ByteBuffer> kept = new ArrayList<>(batches.size());
                    for (ByteBuffer batch : batches) {
                        ByteBuffer filtered = filter(batch, filter);
                        if (filtered.hasRemaining()) {
                            kept.add(filtered);
                        }
                    }
                    return new Step<>(batches.size(), kept);
                })
                .thenCompose(step -> write(step.result())
                        .thenCompose(v -> rewrite(inputs, index, entry + step.entriesRead(), cleanEnd)));
    }

    /** What one read of entries gave: how many entries it covered, and its outcome. */
    private record Step<T>(int entriesRead, T result) {
    }

    /** Step 2's rule: keep the latest record of each key; drop keyless records and expired tombstones. */
    private MemoryRecords.RecordFilter filterFor(long cleanEnd) {
        long tombstoneHorizon = now - config.deleteRetentionMs();
        return new MemoryRecords.RecordFilter(now, config.deleteRetentionMs()) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
                if (batch.isControlBatch()) {
                    return new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
                }
                return new BatchRetentionResult(isAborted(batch) ? BatchRetention.DELETE : BatchRetention.DELETE_EMPTY,
                        false);
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
                if (batch.isControlBatch()) {
                    return true;
                }
                if (!record.hasKey() || latest.latest(record.key()) > record.offset()) {
                    return false;
                }
                return record.hasValue() || record.offset() >= cleanEnd || batch.maxTimestamp() >= tombstoneHorizon;
            }
        };
    }

    private boolean isAborted(RecordBatch batch) {
        return batch.isTransactional() && aborted.isAborted(batch.producerId(), batch.baseOffset());
    }

    private ByteBuffer filter(ByteBuffer batch, MemoryRecords.RecordFilter filter) {
        MemoryRecords.FilterResult result = MemoryRecords.readableRecords(batch.duplicate())
                .filterTo(filter, ByteBuffer.allocate(batch.remaining()), BufferSupplier.NO_CACHING);
        recordsRead += result.messagesRead();
        recordsKept += result.messagesRetained();
        return result.outputBuffer().flip();
    }

    private CompletableFuture<Void> write(List<ByteBuffer> batches) {
        if (batches.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<WriteHandle> handle = output != null ? CompletableFuture.completedFuture(output)
                : ledgers.create(replication, partition, outputStart).thenApply(h -> output = h);
        return handle.thenCompose(h -> {
            List<CompletableFuture<Long>> appends = new ArrayList<>(batches.size());
            for (ByteBuffer batch : batches) {
                outputEntries++;
                outputBytes += batch.remaining();
                appends.add(h.appendAsync(Unpooled.wrappedBuffer(batch)));
            }
            return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new));
        });
    }

    /** After an input segment: seal the output once it is big enough; a stretch that kept nothing joins the last. */
    private CompletableFuture<Void> endOfSegment(Segment segment) {
        if (output != null) {
            return outputBytes >= config.segmentBytes() ? seal(segment.endOffset()) : CompletableFuture.completedFuture(null);
        }
        if (!written.isEmpty()) {
            SegmentRecord last = written.remove(written.size() - 1);
            written.add(new SegmentRecord(last.ledgerId(), last.baseOffset(), true, segment.endOffset(),
                    last.lastEntryId(), last.sizeBytes(), Math.max(last.maxTimestamp(), outputMaxTimestamp),
                    last.createdAtMs()));
            outputStart = segment.endOffset();
            outputMaxTimestamp = -1;
            outputCreatedAt = Long.MAX_VALUE;
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> finish(long end) {
        if (output != null) {
            return seal(end);
        }
        if (!written.isEmpty() || outputStart == end) {
            return CompletableFuture.completedFuture(null);
        }
        // Nothing at all was kept: an empty ledger keeps the chain of segments without a hole.
        return ledgers.create(replication, partition, outputStart).thenCompose(h -> {
            output = h;
            return seal(end);
        });
    }

    private CompletableFuture<Void> seal(long end) {
        WriteHandle handle = output;
        return ledgers.close(handle).thenRun(() -> {
            written.add(SegmentRecord.open(handle.getId(), outputStart, outputCreatedAt)
                    .seal(end, outputEntries - 1, outputBytes, outputMaxTimestamp));
            output = null;
            outputStart = end;
            outputEntries = 0;
            outputBytes = 0;
            outputMaxTimestamp = -1;
            outputCreatedAt = Long.MAX_VALUE;
        });
    }

    /** Deletes every ledger this run wrote; used when the run fails or its result is not swapped in. */
    void discard() {
        List<Long> ids = new ArrayList<>();
        written.forEach(s -> ids.add(s.ledgerId()));
        if (output != null) {
            ids.add(output.getId());
            long outputId = output.getId();
            ledgers.close(output).whenComplete((v, e) -> {
                if (e != null) {
                    // The ledger is deleted below whether or not it closed.
                    LOG.info("Closing ledger {} of an abandoned compaction of {} failed: {}", outputId, partition,
                            e.toString());
                }
            });
        }
        for (long id : ids) {
            ledgers.delete(id).whenComplete((v, e) -> {
                if (e != null && !BookKeeperErrors.isNoSuchLedger(e)) {
                    LOG.warn("Could not delete ledger {} of an abandoned compaction of {}: {}", id, partition,
                            e.toString());
                }
            });
        }
    }
}
