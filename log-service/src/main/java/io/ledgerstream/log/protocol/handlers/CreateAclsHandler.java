package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.CreateAclsResponse;

/** CreateAcls: every creation fails with SECURITY_DISABLED, as in a Kafka broker without an authorizer. */
public final class CreateAclsHandler implements ApiHandler<CreateAclsRequest> {
    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_ACLS;
    }

    @Override
    public short maxVersion() {
        return 3;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, CreateAclsRequest request) {
        CreateAclsResponseData response = new CreateAclsResponseData();
        request.data().creations().forEach(creation -> response.results().add(
                new CreateAclsResponseData.AclCreationResult().setErrorCode(Errors.SECURITY_DISABLED.code())
                        .setErrorMessage(DescribeAclsHandler.NO_AUTHORIZER)));
        return CompletableFuture.completedFuture(new CreateAclsResponse(response));
    }
}
