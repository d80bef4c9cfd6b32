package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Kafka-protocol client connections: open now ({@code ledgerstream_connections}), accepted since start
 * ({@code ledgerstream_connections_accepted_total}), closed at once for a connection limit
 * ({@code ledgerstream_connections_refused_total{reason}}); and the bytes of received requests held
 * ({@code ledgerstream_request_queued_bytes}) with the times a connection stopped reading for want of them
 * ({@code ledgerstream_request_memory_waits_total}).
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class ConnectionMetrics {
    /** Records nothing. */
    public static final ConnectionMetrics NONE = new ConnectionMetrics(null);

    private final PrometheusRegistry registry;
    private final LongAdder open;
    private final CounterDataPoint accepted;
    private final Counter refused;

    ConnectionMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        if (registry == null) {
            open = null;
            accepted = null;
            refused = null;
            return;
        }
        open = Sensors.upDown(registry, "ledgerstream_connections", "Kafka-protocol client connections open now");
        accepted = Sensors.counter(registry, "ledgerstream_connections_accepted_total",
                "Kafka-protocol client connections accepted").labelValues();
        refused = Sensors.counter(registry, "ledgerstream_connections_refused_total",
                "Kafka-protocol client connections closed at once for a connection limit", "reason");
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

    /** A connection closed at once for the limit named by {@code reason} (the limit's key, dots as underscores). */
    public void refused(String reason) {
        if (refused != null) {
            refused.labelValues(reason).inc();
        }
    }

    /**
     * Measures the bytes of received requests not yet served, read when scraped, and the times a connection stopped
     * reading for want of {@code queued.max.request.bytes}. Called once, when the server starts.
     */
    public void requestMemory(LongSupplier bytes, LongSupplier waits) {
        if (registry == null) {
            return;
        }
        Sensors.gauge(registry, "ledgerstream_request_queued_bytes",
                "Bytes of received Kafka requests not yet served", bytes::getAsLong);
        CounterWithCallback.builder().name("ledgerstream_request_memory_waits_total")
                .help("Times a connection stopped reading because queued.max.request.bytes were held")
                .callback(cb -> cb.call(waits.getAsLong())).register(registry);
    }
}
