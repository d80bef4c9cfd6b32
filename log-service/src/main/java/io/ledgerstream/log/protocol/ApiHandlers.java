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
 * Every dispatch is counted and timed in the broker's {@link RequestMetrics}.
 */
public final class ApiHandlers {
    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final RequestMetrics metrics;

    /** Handlers whose requests are not measured. */
    public ApiHandlers() {
        this(BrokerMetrics.disabled().requests());
    }

    public ApiHandlers(RequestMetrics metrics) {
        this.metrics = metrics;
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
        try {
            response = handler.handle(context, request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        return response.handle((r, e) -> {
            if (e == null) {
                return r;
            }
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof CloseConnectionException close) {
                throw close;
            }
            return request.getErrorResponse(KafkaErrors.forException(e).exception(KafkaErrors.message(e)));
        });
    }
}
