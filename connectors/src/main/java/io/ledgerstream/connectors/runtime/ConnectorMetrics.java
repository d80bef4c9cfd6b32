package io.ledgerstream.connectors.runtime;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The counters {@code connect status} shows, registered in a metric group named {@value #GROUP}: records in (read
 * from the source or the topics), records out (sent to the topic or handed to the sink) and dead letters.
 *
 * <p>Flink counters: updated by the one task thread of the operator that owns them.
 */
public final class ConnectorMetrics {
    public static final String GROUP = "connector";
    public static final String RECORDS_IN = "recordsIn";
    public static final String RECORDS_OUT = "recordsOut";
    public static final String DEAD_LETTERS = "deadLetters";

    private final Counter in;
    private final Counter out;
    private final Counter deadLetters;

    public ConnectorMetrics(MetricGroup operator) {
        MetricGroup group = operator.addGroup(GROUP);
        in = group.counter(RECORDS_IN);
        out = group.counter(RECORDS_OUT);
        deadLetters = group.counter(DEAD_LETTERS);
    }

    public void in() {
        in.inc();
    }

    public void out() {
        out.inc();
    }

    public void deadLetter() {
        deadLetters.inc();
    }
}
