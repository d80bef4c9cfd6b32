package io.ledgerstream.log.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/** How the sensors of this package declare their metrics: the same options everywhere, in one place. */
final class Sensors {
    /** Upper bounds of latency histograms, in seconds: from half a millisecond to half a minute. */
    static final double[] LATENCY_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10, 30};

    private Sensors() {
    }

    /** A counter without exemplars (recording one is then a single {@link LongAdder} add). */
    static Counter counter(PrometheusRegistry registry, String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    /** A latency histogram in seconds with classic buckets only, without exemplars. */
    static Histogram latency(PrometheusRegistry registry, String name, String help, String... labels) {
        return Histogram.builder().name(name).help(help)
                .labelNames(labels).classicOnly().classicUpperBounds(LATENCY_BOUNDS).withoutExemplars()
                .register(registry);
    }

    /** A gauge read when scraped. */
    static void gauge(PrometheusRegistry registry, String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    /** A gauge of a count that goes up and down, kept in a {@link LongAdder} so that writers never contend. */
    static LongAdder upDown(PrometheusRegistry registry, String name, String help) {
        LongAdder count = new LongAdder();
        gauge(registry, name, help, count::sum);
        return count;
    }
}
