package io.ledgerstream.log.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The JVM's and the process's metrics (heap and other memory pools, garbage collections and their time, threads,
 * classes, CPU, open files), from the Prometheus client's own JVM collectors. They belong to the process, not to one
 * broker: they are registered once, in a registry of their own, and every broker's registry reads them through
 * {@link #collector()}, so that brokers sharing a JVM neither register them twice nor keep each other's registries
 * alive.
 */
final class ProcessMetrics {
    private static final PrometheusRegistry JVM = new PrometheusRegistry();

    static {
        JvmMetrics.builder().register(JVM);
    }

    private ProcessMetrics() {
    }

    /** A collector that gives what the JVM's collectors give at each scrape. */
    static MultiCollector collector() {
        return new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                return JVM.scrape();
            }
        };
    }
}
