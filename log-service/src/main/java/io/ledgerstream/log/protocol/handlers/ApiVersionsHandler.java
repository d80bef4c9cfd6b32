package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/** ApiVersions: advertises exactly the APIs registered, at the versions their handlers implement. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final ApiHandlers handlers;

    public ApiVersionsHandler(ApiHandlers handlers) {
        this.handlers = handlers;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ApiVersionsRequest request) {
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        if (!request.isValid()) {
            return CompletableFuture.completedFuture(new ApiVersionsResponse(data.setErrorCode(
                    Errors.INVALID_REQUEST.code())));
        }
        data.setApiKeys(handlers.advertisedVersions());
        return CompletableFuture.completedFuture(new ApiVersionsResponse(data.setErrorCode(Errors.NONE.code())));
    }
}
