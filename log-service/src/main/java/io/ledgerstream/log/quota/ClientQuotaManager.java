package io.ledgerstream.log.quota;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.QuotaConfig;
import io.ledgerstream.log.metrics.QuotaMetrics;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.protocol.RequestQuotas;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Measures clients against their quotas as Kafka does: the bytes of each Produce request against
 * {@code producer_byte_rate}, the bytes of each Fetch response against {@code consumer_byte_rate}, and the time
 * handlers take on a client's requests against {@code request_percentage}, each as a {@link SampledRate} per quota
 * entity ({@link QuotaLimits} says who shares one). A rate over its bound {@code B} at {@code O} over a span
 * {@code W} throttles the client for {@code (O - B) / B * W}, the time without traffic that brings it back to the
 * bound; a request-time throttle is at most one window. The throttle of a request is the longest of its quotas'.
 * A throttled Fetch is answered without its records, and their bytes are taken back from the fetch rate, as in Kafka.
 *
 * <p>Request time is approximated by the time a handler runs on the connection's thread before it hands work on (to
 * the storage, a long poll, ...): Kafka counts its request threads' time, which has no exact counterpart here.
 * ApiVersions, the SASL login and the brokers' own requests are not measured, whatever quota
 * their principal has: a default {@code request_percentage} never slows the brokers' transaction traffic.
 *
 * <p>Thread-safe: the sensors are in a concurrent map and each guards its own samples; one idle for an hour is
 * dropped, as Kafka expires its quota sensors.
 */
@ThreadSafe
public final class ClientQuotaManager implements RequestQuotas {
    /** A sensor unused this long is dropped. */
    private static final long SENSOR_EXPIRY_MS = 3_600_000;
    private static final double NANOS_TO_PERCENT = 100.0 / 1e9;

    private final Supplier<QuotaLimits> limits;
    private final QuotaConfig config;
    private final LongSupplier clockMs;
    private final QuotaMetrics metrics;
    private final ConcurrentHashMap<SensorKey, SampledRate> sensors = new ConcurrentHashMap<>();
    private final AtomicLong nextExpiryMs = new AtomicLong();

    /**
     * @param limits  the quotas in force, read at every request
     * @param clockMs the current time in milliseconds
     */
    public ClientQuotaManager(Supplier<QuotaLimits> limits, QuotaConfig config, LongSupplier clockMs,
                              QuotaMetrics metrics) {
        this.limits = limits;
        this.config = config;
        this.clockMs = clockMs;
        this.metrics = metrics;
    }

    private record SensorKey(QuotaType type, String user, String clientId) {
    }

    @Override
    public int throttleMs(RequestContext context, AbstractRequest request, AbstractResponse response,
                          long handlerNanos) {
        QuotaLimits current = limits.get();
        if (current.isEmpty()) {
            return 0;
        }
        ApiKeys api = context.header().apiKey();
        if (exempt(context, response)) {
            return 0;
        }
        String user = context.principal().getName();
        String clientId = context.header().clientId() == null ? "" : context.header().clientId();
        long nowMs = clockMs.getAsLong();
        expireIdle(nowMs);
        int bytesThrottle = 0;
        long fetchedBytes = 0;
        if (api == ApiKeys.PRODUCE) {
            bytesThrottle = record(current, QuotaType.PRODUCE, user, clientId, MeasuredBytes.produced(request),
                    nowMs);
        } else if (api == ApiKeys.FETCH && response != null) {
            fetchedBytes = MeasuredBytes.fetched(response);
            bytesThrottle = record(current, QuotaType.FETCH, user, clientId, fetchedBytes, nowMs);
        }
        int throttle = Math.max(bytesThrottle,
                record(current, QuotaType.REQUEST, user, clientId, handlerNanos * NANOS_TO_PERCENT, nowMs));
        if (throttle > 0 && fetchedBytes > 0) {
            // As Kafka: a throttled fetch is answered without its records, which are then not counted either; the
            // consumer fetches them again once the throttle time has passed.
            record(current, QuotaType.FETCH, user, clientId, -fetchedBytes, nowMs);
            MeasuredBytes.dropRecords(response);
        }
        return throttle;
    }

    /** Records a value against one quota (a negative one takes back one recorded); the throttle time it calls for. */
    int record(QuotaLimits current, QuotaType type, String user, String clientId, double value, long nowMs) {
        QuotaLimits.Limit limit = current.limit(type, user, clientId);
        if (limit == null) {
            return 0;
        }
        SampledRate rate = sensors.computeIfAbsent(new SensorKey(type, limit.user(), limit.clientId()),
                k -> new SampledRate(config.windows(), config.windowSeconds() * 1000L));
        SampledRate.Measure measure = rate.record(value, nowMs);
        if (value < 0 || measure.perSecond() <= limit.bound()) {
            return 0;
        }
        double throttle = (measure.perSecond() - limit.bound()) / limit.bound() * measure.spanMs();
        if (type == QuotaType.REQUEST) {
            throttle = Math.min(throttle, config.windowSeconds() * 1000.0);
        }
        int throttleMs = (int) Math.min(Math.round(throttle), Integer.MAX_VALUE);
        if (throttleMs > 0) {
            metrics.throttled(type.name().toLowerCase(Locale.ROOT), throttleMs);
        }
        return throttleMs;
    }

    /** The sensors kept now, for tests. */
    int sensorCount() {
        return sensors.size();
    }

    /**
     * Whether a request is left unmeasured: ApiVersions and the SASL login; and the brokers' own requests, which need
     * ClusterAction, unless refused for the lack of it (CLUSTER_AUTHORIZATION_FAILED), which Kafka throttles as any
     * client's. Kafka exempts its inter-broker APIs (the clusterAction ones); it measures the broker form of
     * AddPartitionsToTxn (v4 on), exempt here too since it is the one request our brokers send each other otherwise
     * measured, and a default quota would slow every transactional produce with it.
     */
    private static boolean exempt(RequestContext context, AbstractResponse response) {
        ApiKeys api = context.header().apiKey();
        if (api == ApiKeys.API_VERSIONS || api == ApiKeys.SASL_HANDSHAKE || api == ApiKeys.SASL_AUTHENTICATE) {
            return true;
        }
        boolean brokerToBroker = api.clusterAction
                || api == ApiKeys.ADD_PARTITIONS_TO_TXN && context.apiVersion() >= 4;
        return brokerToBroker
                && (response == null || !response.errorCounts().containsKey(Errors.CLUSTER_AUTHORIZATION_FAILED));
    }

    /** At most once a minute, drops the sensors idle beyond their expiry. */
    private void expireIdle(long nowMs) {
        long due = nextExpiryMs.get();
        if (nowMs < due || !nextExpiryMs.compareAndSet(due, nowMs + 60_000)) {
            return;
        }
        sensors.values().removeIf(rate -> nowMs - rate.lastRecordMs() > SENSOR_EXPIRY_MS);
    }
}
