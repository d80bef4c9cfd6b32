package io.ledgerstream.connectors.runtime;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Between a sink connector's topics and its sink: decodes each record for the sink; one that cannot be decoded is
 * handled as {@code errors.tolerance} says. Counts records in, out and dead.
 *
 * <p>Runs on one task thread, as every Flink function.
 */
final class SinkDecoder<T> extends ProcessFunction<ConnectorRecord, T> {
    private static final long serialVersionUID = 1L;
    private final ConnectorSpec spec;
    private final SinkConnector<T> sink;
    private transient ConnectorMetrics metrics;

    SinkDecoder(ConnectorSpec spec, SinkConnector<T> sink) {
        this.spec = spec;
        this.sink = sink;
    }

    @Override
    public void open(OpenContext context) {
        metrics = new ConnectorMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ConnectorRecord record, Context context, Collector<T> out) {
        metrics.in();
        T decoded;
        try {
            decoded = sink.decode(record);
        } catch (BadRecordException e) {
            FailedRecords.handle(spec, record.failedWith(e), r -> context.output(FailedRecords.DEAD_LETTERS, r),
                    metrics);
            return;
        }
        metrics.out();
        out.collect(decoded);
    }
}
