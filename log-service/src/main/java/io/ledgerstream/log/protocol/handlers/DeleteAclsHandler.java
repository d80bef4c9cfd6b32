package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;

/** DeleteAcls: every filter fails with SECURITY_DISABLED, as in a Kafka broker without an authorizer. */
public final class DeleteAclsHandler implements ApiHandler<DeleteAclsRequest> {
    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_ACLS;
    }

    @Override
    public short maxVersion() {
        return 3;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteAclsRequest request) {
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        request.data().filters().forEach(filter -> response.filterResults().add(
                new DeleteAclsResponseData.DeleteAclsFilterResult().setErrorCode(Errors.SECURITY_DISABLED.code())
                        .setErrorMessage(DescribeAclsHandler.NO_AUTHORIZER)));
        return CompletableFuture.completedFuture(new DeleteAclsResponse(response, context.apiVersion()));
    }
}
