package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/**
 * One broker's metrics: its own registry, with the JVM's metrics read into it, and the sensors its parts record
 * into. A broker without a metrics endpoint gets {@link #disabled()}: the same sensors, recording nothing, so that
 * metrics cost nothing where nobody reads them.
 *
 * <p>Thread-safe: the sensors are, and the registry is the Prometheus client's.
 */
@ThreadSafe
public final class BrokerMetrics {
    private final PrometheusRegistry registry;
    private final RequestMetrics requests;
    private final TopicMetrics topics;
    private final StorageMetrics storage;
    private final GroupMetrics groups;
    private final ControllerMetrics controller;
    private final ConnectionMetrics connections;
    private final QuotaMetrics quotas;

    private BrokerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.requests = new RequestMetrics(registry);
        this.topics = new TopicMetrics(registry);
        this.storage = registry == null ? StorageMetrics.NONE : new StorageMetrics(registry);
        this.groups = registry == null ? GroupMetrics.NONE : new GroupMetrics(registry);
        this.controller = registry == null ? ControllerMetrics.NONE : new ControllerMetrics(registry);
        this.connections = registry == null ? ConnectionMetrics.NONE : new ConnectionMetrics(registry);
        this.quotas = registry == null ? QuotaMetrics.NONE : new QuotaMetrics(registry);
    }

    /** Metrics that are recorded, in a new registry that also reads the JVM's metrics. */
    public static BrokerMetrics create() {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(ProcessMetrics.collector());
        return new BrokerMetrics(registry);
    }

    /** Metrics that record nothing. */
    public static BrokerMetrics disabled() {
        return new BrokerMetrics(null);
    }

    public boolean enabled() {
        return registry != null;
    }

    /** The registry to serve; null when disabled. */
    public PrometheusRegistry registry() {
        return registry;
    }

    public RequestMetrics requests() {
        return requests;
    }

    public TopicMetrics topics() {
        return topics;
    }

    public StorageMetrics storage() {
        return storage;
    }

    public GroupMetrics groups() {
        return groups;
    }

    public ControllerMetrics controller() {
        return controller;
    }

    public ConnectionMetrics connections() {
        return connections;
    }

    public QuotaMetrics quotas() {
        return quotas;
    }

    /** Adds a gauge read when scraped, for what a broker's parts know without recording it. */
    public void gauge(String name, String help, DoubleSupplier value) {
        if (registry != null) {
            Sensors.gauge(registry, name, help, value);
        }
    }
}
