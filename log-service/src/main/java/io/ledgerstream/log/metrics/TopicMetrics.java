package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bytes and records produced to and fetched from each topic by clients ({@code ledgerstream_topic_bytes_in_total},
 * {@code ..._records_in_total}, {@code ..._bytes_out_total}, {@code ..._records_out_total}). Records out are the
 * records of the batches sent, as a batch is sent whole. A topic's four series are created on its first use and
 * found again with one map lookup.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class TopicMetrics {
    /** The series of one topic. */
    private record Series(CounterDataPoint bytesIn, CounterDataPoint recordsIn, CounterDataPoint bytesOut,
                          CounterDataPoint recordsOut) {
    }

    private final Counter bytesIn;
    private final Counter recordsIn;
    private final Counter bytesOut;
    private final Counter recordsOut;
    private final ConcurrentHashMap<String, Series> topics = new ConcurrentHashMap<>();

    TopicMetrics(PrometheusRegistry registry) {
        if (registry == null) {
            bytesIn = null;
            recordsIn = null;
            bytesOut = null;
            recordsOut = null;
            return;
        }
        bytesIn = Sensors.counter(registry, "ledgerstream_topic_bytes_in_total",
                "Bytes of record batches produced to a topic and appended", "topic");
        recordsIn = Sensors.counter(registry, "ledgerstream_topic_records_in_total",
                "Records produced to a topic and appended", "topic");
        bytesOut = Sensors.counter(registry, "ledgerstream_topic_bytes_out_total",
                "Bytes of record batches sent to consumers of a topic", "topic");
        recordsOut = Sensors.counter(registry, "ledgerstream_topic_records_out_total",
                "Records in the batches sent to consumers of a topic", "topic");
    }

    /** Whether anything is counted: callers skip working out what to count when not. */
    public boolean enabled() {
        return bytesIn != null;
    }

    /** A batch of {@code records} records, {@code bytes} long, was appended to {@code topic} for a producer. */
    public void produced(String topic, int bytes, int records) {
        if (bytesIn == null) {
            return;
        }
        Series series = series(topic);
        series.bytesIn().inc(bytes);
        series.recordsIn().inc(records);
    }

    /** Batches of {@code topic} holding {@code records} records, {@code bytes} long, go to a consumer. */
    public void fetched(String topic, int bytes, int records) {
        if (bytesOut == null) {
            return;
        }
        Series series = series(topic);
        series.bytesOut().inc(bytes);
        series.recordsOut().inc(records);
    }

    /**
     * Drops a deleted topic's series. The series leave the registry before the cache, so that a count racing with
     * the deletion cannot leave the cache holding series the registry no longer shows (a topic created again under
     * the name would then count into them unseen).
     */
    public void forget(String topic) {
        if (bytesIn == null || !topics.containsKey(topic)) {
            return;
        }
        bytesIn.remove(topic);
        recordsIn.remove(topic);
        bytesOut.remove(topic);
        recordsOut.remove(topic);
        topics.remove(topic);
    }

    private Series series(String topic) {
        Series series = topics.get(topic);
        return series != null ? series : topics.computeIfAbsent(topic, t -> new Series(bytesIn.labelValues(t),
                recordsIn.labelValues(t), bytesOut.labelValues(t), recordsOut.labelValues(t)));
    }
}
