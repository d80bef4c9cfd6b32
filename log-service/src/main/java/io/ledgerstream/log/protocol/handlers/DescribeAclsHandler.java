package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;

/**
 * DescribeAcls: the ACLs matching the filter, as this broker's authorizer knows them; needs Describe on the cluster.
 * Without ACL enforcement it answers SECURITY_DISABLED, as a Kafka broker without an authorizer does.
 */
public final class DescribeAclsHandler implements ApiHandler<DescribeAclsRequest> {
    /** The message Kafka sends with SECURITY_DISABLED when no authorizer is configured. */
    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    private final Authorization authorization;

    DescribeAclsHandler(Authorization authorization) {
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_ACLS;
    }

    @Override
    public short maxVersion() {
        return 3;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeAclsRequest request) {
        DescribeAclsResponseData response = new DescribeAclsResponseData();
        if (!authorization.authorizer().enabled()) {
            response.setErrorCode(Errors.SECURITY_DISABLED.code()).setErrorMessage(NO_AUTHORIZER);
        } else if (!authorization.cluster(context, AclOperation.DESCRIBE)) {
            response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        } else {
            List<AclBinding> matching = authorization.authorizer().acls().stream()
                    .filter(request.filter()::matches).toList();
            response.setResources(DescribeAclsResponse.aclsResources(matching));
        }
        return CompletableFuture.completedFuture(new DescribeAclsResponse(response, context.apiVersion()));
    }
}
