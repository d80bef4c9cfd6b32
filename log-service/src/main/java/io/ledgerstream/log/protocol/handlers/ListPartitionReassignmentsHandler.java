package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;

/**
 * ListPartitionReassignments ({@code kafka-reassign-partitions --list}): always none, since brokers hold no replicas
 * to reassign (see {@link AlterPartitionReassignmentsHandler}). As in Kafka, it needs Describe on the cluster (else
 * CLUSTER_AUTHORIZATION_FAILED).
 */
public final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequest> {
    private final Authorization authorization;

    ListPartitionReassignmentsHandler(Authorization authorization) {
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context,
                                                      ListPartitionReassignmentsRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.DESCRIBE);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponse(
                new ListPartitionReassignmentsResponseData().setErrorCode(Errors.NONE.code())));
    }
}
