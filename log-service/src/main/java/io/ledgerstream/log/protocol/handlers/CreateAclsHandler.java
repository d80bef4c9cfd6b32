package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.AclUpdates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.CreateAclsResponse;

/**
 * CreateAcls: stores each ACL in ZooKeeper; needs Alter on the cluster. Without ACL enforcement every creation fails
 * with SECURITY_DISABLED, as in a Kafka broker without an authorizer.
 */
public final class CreateAclsHandler implements ApiHandler<CreateAclsRequest> {
    private final Authorization authorization;
    private final AclUpdates updates;

    CreateAclsHandler(Authorization authorization, AclUpdates updates) {
        this.authorization = authorization;
        this.updates = updates;
    }

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
        List<CreateAclsRequestData.AclCreation> creations = request.data().creations();
        if (!authorization.authorizer().enabled()) {
            return CompletableFuture.completedFuture(respond(creations,
                    new ApiError(Errors.SECURITY_DISABLED, DescribeAclsHandler.NO_AUTHORIZER)));
        }
        if (!authorization.cluster(context, AclOperation.ALTER)) {
            return CompletableFuture.completedFuture(respond(creations,
                    new ApiError(Errors.CLUSTER_AUTHORIZATION_FAILED, null)));
        }
        List<CompletableFuture<ApiError>> results = new ArrayList<>();
        for (CreateAclsRequestData.AclCreation creation : creations) {
            results.add(create(creation));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            CreateAclsResponseData response = new CreateAclsResponseData();
            results.forEach(r -> response.results().add(result(r.join())));
            return new CreateAclsResponse(response);
        });
    }

    private CompletableFuture<ApiError> create(CreateAclsRequestData.AclCreation creation) {
        AclBinding binding;
        try {
            binding = CreateAclsRequest.aclBinding(creation);
            AclValidation.validate(binding);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST, e.getMessage()));
        }
        return updates.create(binding).handle((v, e) -> e == null ? ApiError.NONE
                : new ApiError(KafkaErrors.forException(e), "Could not store the ACL " + binding + ": "
                        + KafkaErrors.message(e)));
    }

    private static AbstractResponse respond(List<CreateAclsRequestData.AclCreation> creations, ApiError error) {
        CreateAclsResponseData response = new CreateAclsResponseData();
        creations.forEach(c -> response.results().add(result(error)));
        return new CreateAclsResponse(response);
    }

    private static CreateAclsResponseData.AclCreationResult result(ApiError error) {
        return new CreateAclsResponseData.AclCreationResult().setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
