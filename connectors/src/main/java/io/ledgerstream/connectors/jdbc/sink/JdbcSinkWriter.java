package io.ledgerstream.connectors.jdbc.sink;

import java.io.IOException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers row changes in a {@link ChangeBatch} and writes the batch, with retries, when it has {@code batch-size}
 * keys, when a processing-time timer fires every {@code flush-interval}, and always in {@link #flush}, which Flink
 * calls before every checkpoint barrier goes on and at the end of input: so a checkpoint never completes while a
 * record it acknowledges is unwritten (at least once; upserts and deletes by key make replays harmless).
 *
 * <p>Not thread-safe, and needs not be: Flink calls {@code write}, {@code flush} and the timer's callback on the
 * task's one mailbox thread. A retry's backoff blocks that thread (and so checkpoints) while it waits.
 */
final class JdbcSinkWriter implements SinkWriter<RowChange> {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSinkWriter.class);

    private final JdbcSinkSettings settings;
    private final BatchWriter table;
    private final Retrier retrier;
    private final ProcessingTimeService time;
    private final Counter rowsWritten;
    private final ChangeBatch batch = new ChangeBatch();
    private boolean closed;

    JdbcSinkWriter(JdbcSinkSettings settings, BatchWriter table, Retrier retrier, ProcessingTimeService time,
                   SinkWriterMetricGroup metrics) {
        this.settings = settings;
        this.table = table;
        this.retrier = retrier;
        this.time = time;
        this.rowsWritten = metrics.getNumRecordsSendCounter();
        scheduleFlush();
    }

    @Override
    public void write(RowChange change, Context context) throws IOException, InterruptedException {
        batch.add(change);
        if (batch.size() >= settings.batchSize()) {
            writeBatch();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writeBatch();
    }

    @Override
    public void close() {
        closed = true;
        if (!batch.isEmpty()) {
            LOG.info("Closing the writer of table {} with {} unwritten rows; the last checkpoint does not include "
                    + "them, so they are read again on restart", settings.table(), batch.size());
        }
        table.close();
    }

    private void writeBatch() throws IOException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        int rows = retrier.run(() -> table.write(batch), table::disconnect);
        rowsWritten.inc(rows);
        batch.clear();
    }

    private void scheduleFlush() {
        long next = time.getCurrentProcessingTime() + settings.flushInterval().toMillis();
        time.registerTimer(next, now -> {
            if (!closed) {
                writeBatch();
                scheduleFlush();
            }
        });
    }
}
