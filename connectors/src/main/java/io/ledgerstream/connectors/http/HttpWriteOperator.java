package io.ledgerstream.connectors.http;

import io.ledgerstream.connectors.runtime.ConnectorMetrics;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.FailedRecords;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Sends decoded records to the endpoint in batches of {@code batch-size}, and emits what could not be delivered as
 * failed records, handled as {@code errors.tolerance} says (to the dead-letter topic, or failing the job).
 *
 * <p>At least once: the pending batch is sent in {@link #prepareSnapshotPreBarrier}, before the checkpoint barrier
 * leaves this operator, so every record a completed checkpoint has read was sent (or its failure is in that
 * checkpoint's dead letters). After a restore the records since the last checkpoint are sent again. Sending blocks
 * the task thread, retries included, which holds back the records behind and the checkpoint.
 *
 * <p>Runs on one task thread, as every Flink operator.
 */
final class HttpWriteOperator extends AbstractStreamOperator<ConnectorRecord>
        implements OneInputStreamOperator<ConnectorRecord, ConnectorRecord> {
    private static final long serialVersionUID = 1L;

    private final ConnectorSpec spec;
    private final String url;
    private final HttpPoster.TransportFactory endpoint;
    private final Retries retries;
    private final int batchSize;
    private transient HttpPoster poster;
    private transient List<ConnectorRecord> pending;
    private transient ConnectorMetrics metrics;

    /** @param url the endpoint's URL, for messages */
    HttpWriteOperator(ConnectorSpec spec, String url, HttpPoster.TransportFactory endpoint, Retries retries,
                      int batchSize) {
        this.spec = spec;
        this.url = url;
        this.endpoint = endpoint;
        this.retries = retries;
        this.batchSize = batchSize;
    }

    @Override
    public void open() throws Exception {
        super.open();
        poster = new HttpPoster(url, endpoint.connect(), retries,
                delay -> Thread.sleep(delay.toMillis()));
        pending = new ArrayList<>(batchSize);
        metrics = new ConnectorMetrics(getMetricGroup());
    }

    /** Takes one record; a tombstone (null, from the sink's decode) is skipped. */
    @Override
    public void processElement(StreamRecord<ConnectorRecord> element) throws Exception {
        ConnectorRecord record = element.getValue();
        if (record == null) {
            return;
        }
        pending.add(record);
        if (pending.size() >= batchSize) {
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        List<ConnectorRecord> batch = List.copyOf(pending);
        pending.clear();
        HttpPoster.Outcome outcome = poster.send(RequestBodies.of(batch, batchSize > 1));
        if (!outcome.delivered()) {
            HttpDeliveryException failure = new HttpDeliveryException(outcome.failure());
            for (ConnectorRecord record : batch) {
                FailedRecords.handle(spec, record.failedWith(failure), r -> output.collect(new StreamRecord<>(r)),
                        metrics);
            }
        }
    }
}
