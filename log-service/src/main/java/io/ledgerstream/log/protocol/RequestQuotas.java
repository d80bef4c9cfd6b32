package io.ledgerstream.log.protocol;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Measures each answered request against its client's quotas and says how long the client is to be throttled: the
 * time goes into the response's {@code throttle_time_ms}, and the connection reads nothing more from the client for
 * that long once the response is sent. Implementations are thread-safe and never block.
 */
@FunctionalInterface
public interface RequestQuotas {
    /** No quotas: nobody is throttled. */
    RequestQuotas NONE = (context, request, response, handlerNanos) -> 0;

    /**
     * Records a request and its response (null when none is sent) against the client's quotas.
     *
     * @param handlerNanos the time its handler took on the connection's thread
     * @return the milliseconds to throttle the client for; 0 when it is within its quotas
     */
    int throttleMs(RequestContext context, AbstractRequest request, AbstractResponse response, long handlerNanos);
}
