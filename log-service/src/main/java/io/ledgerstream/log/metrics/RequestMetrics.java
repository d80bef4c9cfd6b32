package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Requests per Kafka API: how many came in ({@code ledgerstream_requests_total}), the errors their responses carry by
 * error code ({@code ledgerstream_request_errors_total}, one per partition or group in error, as Kafka counts them),
 * and the time from dispatch to response ({@code ledgerstream_request_duration_seconds}; a long-polling Fetch counts
 * its wait). Each API's series are looked up once and then kept in an array by API id; Produce and Fetch responses
 * are walked for their error codes without building a map.
 *
 * <p>Thread-safe: the series are created once per label set by the library and published through atomic arrays.
 */
@ThreadSafe
public final class RequestMetrics {
    private static final int API_SLOTS = Arrays.stream(ApiKeys.values()).mapToInt(k -> k.id).max().orElse(0) + 1;

    private final Counter requests;
    private final Counter errors;
    private final Histogram latency;
    private final AtomicReferenceArray<CounterDataPoint> requestsByApi = new AtomicReferenceArray<>(API_SLOTS);
    private final AtomicReferenceArray<DistributionDataPoint> latencyByApi = new AtomicReferenceArray<>(API_SLOTS);
    /** Keyed by API id and error code ({@link #errorKey}); errors are rare, so a map is fine here. */
    private final ConcurrentHashMap<Integer, CounterDataPoint> errorsByApi = new ConcurrentHashMap<>();

    RequestMetrics(PrometheusRegistry registry) {
        if (registry == null) {
            requests = null;
            errors = null;
            latency = null;
            return;
        }
        requests = Sensors.counter(registry, "ledgerstream_requests_total",
                "Kafka-protocol requests received, by API", "api");
        errors = Sensors.counter(registry, "ledgerstream_request_errors_total",
                "Errors in Kafka-protocol responses, by API and error code (one per partition or group in error)",
                "api", "error");
        latency = Sensors.latency(registry, "ledgerstream_request_duration_seconds",
                "Time from a request's dispatch to its response, by API (a Fetch includes its long-poll wait)", "api");
    }

    /** Whether anything is recorded. */
    public boolean enabled() {
        return requests != null;
    }

    /**
     * A request of {@code api} starts.
     *
     * @return the time it started, to give to {@link #completed}
     */
    public long started(ApiKeys api) {
        if (requests == null) {
            return 0;
        }
        CounterDataPoint count = requestsByApi.get(api.id);
        if (count == null) {
            count = requests.labelValues(api.name);
            requestsByApi.set(api.id, count);
        }
        count.inc();
        return System.nanoTime();
    }

    /**
     * A request of {@code api} that started at {@code startNanos} got its response (null when none is sent: Produce
     * with acks=0, or a request that closed its connection).
     */
    public void completed(ApiKeys api, long startNanos, AbstractResponse response) {
        if (latency == null) {
            return;
        }
        DistributionDataPoint time = latencyByApi.get(api.id);
        if (time == null) {
            time = latency.labelValues(api.name);
            latencyByApi.set(api.id, time);
        }
        time.observe((System.nanoTime() - startNanos) / 1e9);
        if (response != null) {
            countErrors(api, response);
        }
    }

    private void countErrors(ApiKeys api, AbstractResponse response) {
        if (response instanceof ProduceResponse produce) {
            for (ProduceResponseData.TopicProduceResponse topic : produce.data().responses()) {
                for (ProduceResponseData.PartitionProduceResponse p : topic.partitionResponses()) {
                    error(api, p.errorCode(), 1);
                }
            }
        } else if (response instanceof FetchResponse fetch) {
            error(api, fetch.data().errorCode(), 1);
            for (FetchResponseData.FetchableTopicResponse topic : fetch.data().responses()) {
                for (FetchResponseData.PartitionData p : topic.partitions()) {
                    error(api, p.errorCode(), 1);
                }
            }
        } else {
            response.errorCounts().forEach((e, n) -> error(api, e.code(), n));
        }
    }

    private void error(ApiKeys api, short code, int count) {
        if (code == Errors.NONE.code() || count <= 0) {
            return;
        }
        errorsByApi.computeIfAbsent(errorKey(api, code), k -> errors.labelValues(api.name, Errors.forCode(code).name()))
                .inc(count);
    }

    private static int errorKey(ApiKeys api, short code) {
        return api.id << 16 | code & 0xffff;
    }
}
