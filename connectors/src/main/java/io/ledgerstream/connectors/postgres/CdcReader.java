package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.runtime.ConnectorMetrics;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.core.io.InputStatus;

/**
 * Emits the records its {@link ChangeStream} thread reads, and keeps the split's position: after each batch that
 * ends a transaction, that transaction's end LSN; inside one, how many of its records went out. A checkpoint
 * stores that position; when the checkpoint completes, its LSN is confirmed to the slot.
 *
 * <p>Called by Flink on the task thread only; the stream thread communicates through the queue and its own
 * thread-safe methods.
 */
final class CdcReader implements SourceReader<ConnectorRecord, CdcSplit> {
    /** Sizes the hand-over queue: batches of up to {@link ChangeStream#CHUNK} records. */
    private static final int QUEUE_BATCHES = 16;

    private final SourceReaderContext context;
    private final ChangeEvents events;
    private final CdcSettings settings;
    private final FutureCompletingBlockingQueue<ChangeStream.Batch> queue =
            new FutureCompletingBlockingQueue<>(QUEUE_BATCHES);
    /** Checkpoint id to the LSN it holds, until the checkpoint completes. */
    private final Map<Long, Long> pendingConfirms = new TreeMap<>();
    private CdcSplit split;
    /** Read by the metrics reporter's thread too. */
    private volatile ChangeStream stream;
    private Thread thread;

    CdcReader(SourceReaderContext context, ChangeEvents events, CdcSettings settings) {
        this.context = context;
        this.events = events;
        this.settings = settings;
    }

    @Override
    public void start() {
        context.metricGroup().addGroup(ConnectorMetrics.GROUP).gauge("sourceLagBytes", () -> {
            ChangeStream current = stream;
            return current == null ? -1L : current.lagBytes();
        });
    }

    @Override
    public void addSplits(List<CdcSplit> splits) {
        if (splits.size() != 1 || split != null) {
            throw new IllegalStateException("A postgres-cdc reader reads exactly one split, got " + splits);
        }
        split = splits.get(0);
        stream = new ChangeStream(settings, events, split, queue);
        thread = new Thread(stream, "postgres-cdc " + settings.slot());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ConnectorRecord> output) throws Exception {
        if (stream == null) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        ChangeStream.Batch batch = queue.poll();
        if (batch == null) {
            Throwable failure = stream.failure();
            if (failure != null) {
                throw new IOException("postgres-cdc source " + settings.slot() + " failed: " + failure.getMessage(),
                        failure);
            }
            return InputStatus.NOTHING_AVAILABLE;
        }
        for (ConnectorRecord record : batch.records()) {
            output.collect(record);
        }
        split = batch.lsnAfter() >= 0
                ? new CdcSplit(split.slot(), batch.lsnAfter(), 0, batch.snapshotDone())
                : new CdcSplit(split.slot(), split.lsn(), split.emittedOfNext() + batch.records().size(),
                        split.snapshotDone());
        return queue.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public List<CdcSplit> snapshotState(long checkpointId) {
        if (split == null) {
            return List.of();
        }
        if (split.snapshotDone()) {
            pendingConfirms.put(checkpointId, split.lsn());
        }
        return List.of(split);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Long lsn = null;
        var it = pendingConfirms.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey() > checkpointId) {
                break;
            }
            lsn = e.getValue();
            it.remove();
        }
        if (lsn != null && stream != null) {
            stream.confirm(lsn);
        }
    }

    @Override
    public void notifyNoMoreSplits() {
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (stream != null && stream.failure() != null) {
            return CompletableFuture.completedFuture(null);
        }
        return queue.getAvailabilityFuture();
    }

    @Override
    public void close() throws Exception {
        if (stream != null) {
            stream.close();
            thread.interrupt();
            thread.join(30_000);
        }
    }
}
