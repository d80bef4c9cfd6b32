package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Kafka-protocol client connections: open now ({@code ledgerstream_connections}) and accepted since start
 * ({@code ledgerstream_connections_accepted_total}).
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class ConnectionMetrics {
    /** Records nothing. */
    public static final ConnectionMetrics NONE = new ConnectionMetrics(null);

    private final LongAdder open;
    private final CounterDataPoint accepted;

    ConnectionMetrics(PrometheusRegistry registry) {
        if (registry == null) {
            open = null;
            accepted = null;
            return;
        }
        open = Sensors.upDown(registry, "ledgerstream_connections", "Kafka-protocol client connections open now");
        accepted = Sensors.counter(registry, "ledgerstream_connections_accepted_total",
                "Kafka-protocol client connections accepted").labelValues();
    }

    public void opened() {
        if (open != null) {
            open.increment();
            accepted.inc();
        }
    }

    public void closed() {
        if (open != null) {
            open.decrement();
        }
    }
}
