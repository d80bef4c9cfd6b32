package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * SaslHandshake once a connection needs no login: after its SASL login completed, or on a listener without SASL. As
 * in Kafka it is answered ILLEGAL_SASL_STATE (sessions are not re-authenticated); a handshake that starts a login is
 * taken by the connection itself before requests reach handlers.
 */
public final class SaslHandshakeHandler implements ApiHandler<SaslHandshakeRequest> {
    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_HANDSHAKE;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, SaslHandshakeRequest request) {
        return CompletableFuture.completedFuture(new SaslHandshakeResponse(new SaslHandshakeResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())));
    }
}
