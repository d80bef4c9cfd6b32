package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Client quotas at work: responses whose client was throttled ({@code ledgerstream_client_throttles_total}) and the
 * throttle time they carried ({@code ledgerstream_client_throttle_seconds_total}), by quota ({@code produce},
 * {@code fetch}, {@code request}).
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class QuotaMetrics {
    /** Records nothing. */
    public static final QuotaMetrics NONE = new QuotaMetrics(null);

    private final Counter throttles;
    private final Counter throttleSeconds;

    QuotaMetrics(PrometheusRegistry registry) {
        if (registry == null) {
            throttles = null;
            throttleSeconds = null;
            return;
        }
        throttles = Sensors.counter(registry, "ledgerstream_client_throttles_total",
                "Responses whose client was over a quota and throttled, by quota", "quota");
        throttleSeconds = Sensors.counter(registry, "ledgerstream_client_throttle_seconds_total",
                "Throttle time given to clients over a quota, by quota", "quota");
    }

    /** A client over {@code quota} is throttled for {@code throttleMs}. */
    public void throttled(String quota, int throttleMs) {
        if (throttles != null) {
            throttles.labelValues(quota).inc();
            throttleSeconds.labelValues(quota).inc(throttleMs / 1000.0);
        }
    }
}
