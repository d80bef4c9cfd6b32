package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.AclUpdates;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;

/**
 * DeleteAcls: removes the ACLs matching each filter from ZooKeeper and answers with them; needs Alter on the
 * cluster. Without ACL enforcement every filter fails with SECURITY_DISABLED, as in Kafka without an authorizer.
 */
public final class DeleteAclsHandler implements ApiHandler<DeleteAclsRequest> {
    private final Authorization authorization;
    private final AclUpdates updates;

    DeleteAclsHandler(Authorization authorization, AclUpdates updates) {
        this.authorization = authorization;
        this.updates = updates;
    }

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
        ApiError refused = !authorization.authorizer().enabled()
                ? new ApiError(Errors.SECURITY_DISABLED, DescribeAclsHandler.NO_AUTHORIZER)
                : !authorization.cluster(context, AclOperation.ALTER)
                ? new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, null) : null;
        if (refused != null) {
            request.filters().forEach(filter -> response.filterResults().add(
                    new DeleteAclsResponseData.DeleteAclsFilterResult().setErrorCode(refused.error().code())
                            .setErrorMessage(refused.message())));
            return CompletableFuture.completedFuture(new DeleteAclsResponse(response, context.apiVersion()));
        }
        List<CompletableFuture<DeleteAclsResponseData.DeleteAclsFilterResult>> results = request.filters().stream()
                .map(filter -> updates.delete(filter).handle((deleted, e) -> e == null ? deleted(deleted)
                        : new DeleteAclsResponseData.DeleteAclsFilterResult()
                        .setErrorCode(KafkaErrors.forException(e).code())
                        .setErrorMessage("Could not delete the ACLs matching " + filter + ": "
                                + KafkaErrors.message(e))))
                .toList();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            results.forEach(r -> response.filterResults().add(r.join()));
            return new DeleteAclsResponse(response, context.apiVersion());
        });
    }

    private static DeleteAclsResponseData.DeleteAclsFilterResult deleted(List<AclBinding> deleted) {
        DeleteAclsResponseData.DeleteAclsFilterResult result = new DeleteAclsResponseData.DeleteAclsFilterResult();
        deleted.forEach(b -> result.matchingAcls().add(DeleteAclsResponse.matchingAcl(b, ApiError.NONE)));
        return result;
    }
}
