package io.ledgerstream.log.protocol;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metrics.BrokerMetrics;
import io.ledgerstream.log.metrics.RequestMetrics;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * The handlers a broker serves, one per {@link ApiKeys}; an API without a handler is neither advertised nor served.
 * Every dispatch is counted and timed in the broker's {@link RequestMetrics}, and measured against its client's
 * {@link RequestQuotas}: a client over a quota gets the throttle time in its response.
 */
public final class ApiHandlers {
    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;
    private final RequestQuotas quotas;

    /** Handlers whose requests are not measured. */
    public ApiHandlers() {
        this(BrokerMetrics.disabled().requests());
    }

    public ApiHandlers(RequestMetrics metrics) {
        this(metrics, RequestQuotas.NONE);
    }

    /** Handlers whose requests are counted in {@code metrics} and measured against the clients' {@code quotas}. */
    public ApiHandlers(RequestMetrics metrics, RequestQuotas quotas) {
        this.metrics = metrics;
        this.quotas = quotas;
    }

    public ApiHandlers register(ApiHandler<?> handler) {
        if (handlers.putIfAbsent(handler.apiKey(), handler) != null) {
            throw new IllegalArgumentException("two handlers for " + handler.apiKey());
        }
        return this;
    }

    public boolean serves(ApiKeys key) {
        return handlers.containsKey(key);
    }

    public ApiHandler<?> handler(ApiKeys key) {
        return handlers.get(key);
    }

    /** What ApiVersions advertises: each API served, with its versions. */
    public ApiVersionsResponseData.ApiVersionCollection advertisedVersions() {
        ApiVersionsResponseData.ApiVersionCollection versions = new ApiVersionsResponseData.ApiVersionCollection();
        for (ApiHandler<?> handler : handlers.values()) {
            versions.add(new ApiVersionsResponseData.ApiVersion().setApiKey(handler.apiKey().id)
                    .setMinVersion(handler.advertisedMinVersion()).setMaxVersion(handler.maxVersion()));
        }
        return versions;
    }

    /**
     * Runs the request's handler; a version outside the handler's range, or a failure of any kind, becomes the
     * API's error response.
     */
    public CompletableFuture<AbstractResponse> dispatch(RequestContext context, AbstractRequest request) {
        if (!metrics.enabled()) {
            return respond(context, request);
        }
        ApiKeys api = context.header().apiKey();
        long started = metrics.started(api);
        return respond(context, request).whenComplete((response, error) -> metrics.completed(api, started, response));
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<AbstractResponse> respond(RequestContext context, AbstractRequest request) {
        ApiHandler<AbstractRequest> handler = (ApiHandler<AbstractRequest>) handlers.get(context.header().apiKey());
        short version = context.apiVersion();
        if (version < handler.minVersion() || version > handler.maxVersion()) {
            return CompletableFuture.completedFuture(request.getErrorResponse(
                    new org.apache.kafka.common.errors.UnsupportedVersionException(context.header().apiKey()
                            + " version " + version + " is not served; versions " + handler.minVersion() + " to "
                            + handler.maxVersion() + " are")));
        }
        CompletableFuture<AbstractResponse> response;
        long started = System.nanoTime();
        try {
            response = handler.handle(context, request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        long handlerNanos = System.nanoTime() - started;
        return response.handle((r, e) -> {
            if (e == null) {
                return throttled(context, request, r, handlerNanos);
            }
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof CloseConnectionException close) {
                throw close;
            }
            return throttled(context, request,
                    request.getErrorResponse(KafkaErrors.forException(e).exception(KafkaErrors.message(e))),
                    handlerNanos);
        });
    }

    /** The response, carrying the time its client is throttled for when the request put it over a quota. */
    private AbstractResponse throttled(RequestContext context, AbstractRequest request, AbstractResponse response,
                                       long handlerNanos) {
        int throttleMs = quotas.throttleMs(context, request, response, handlerNanos);
        if (throttleMs > 0 && response != null) {
            response.maybeSetThrottleTimeMs(throttleMs);
        }
        return response;
    }
}
