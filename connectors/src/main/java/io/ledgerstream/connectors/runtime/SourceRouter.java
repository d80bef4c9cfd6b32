package io.ledgerstream.connectors.runtime;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Between a source and its topic: good records go on, failed ones are handled as {@code errors.tolerance} says,
 * and both are counted.
 *
 * <p>Runs on one task thread, as every Flink function.
 */
final class SourceRouter extends ProcessFunction<ConnectorRecord, ConnectorRecord> {
    private static final long serialVersionUID = 1L;
    private final ConnectorSpec spec;
    private transient ConnectorMetrics metrics;

    SourceRouter(ConnectorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext context) {
        metrics = new ConnectorMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ConnectorRecord record, Context context, Collector<ConnectorRecord> out) {
        metrics.in();
        if (record.isFailed()) {
            FailedRecords.handle(spec, record, r -> context.output(FailedRecords.DEAD_LETTERS, r), metrics);
            return;
        }
        metrics.out();
        out.collect(record);
    }
}
