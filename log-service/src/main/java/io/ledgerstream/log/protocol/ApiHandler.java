package io.ledgerstream.log.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Serves one Kafka API. A handler never blocks: it returns a future, completed on whatever thread finishes the
 * work. A failed future becomes the API's error response through {@link KafkaErrors}.
 *
 * @param <R> the request type of the API
 */
public interface ApiHandler<R extends AbstractRequest> {

    ApiKeys apiKey();

    /** Oldest version served; ApiVersions advertises it. */
    default short minVersion() {
        return apiKey().oldestVersion();
    }

    /** Oldest version ApiVersions advertises; usually {@link #minVersion()}. */
    default short advertisedMinVersion() {
        return minVersion();
    }

    /** Newest version whose semantics this handler implements; ApiVersions advertises it. */
    short maxVersion();

    /**
     * Handles a request.
     *
     * @return the response, or a future of null when the API sends none (produce with acks=0)
     */
    CompletableFuture<AbstractResponse> handle(RequestContext context, R request);
}
