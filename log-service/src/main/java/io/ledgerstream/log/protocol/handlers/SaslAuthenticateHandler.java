package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;

/**
 * SaslAuthenticate once a connection needs no login: answered ILLEGAL_SASL_STATE with Kafka's message. The tokens of
 * a login under way are taken by the connection itself before requests reach handlers.
 */
public final class SaslAuthenticateHandler implements ApiHandler<SaslAuthenticateRequest> {
    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_AUTHENTICATE;
    }

    @Override
    public short maxVersion() {
        return 2;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, SaslAuthenticateRequest request) {
        return CompletableFuture.completedFuture(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setErrorMessage("SaslAuthenticate request received after successful authentication")));
    }
}
