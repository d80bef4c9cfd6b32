package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator: this broker coordinates every group (one broker for now). Transaction coordinators do not
 * exist yet: that key type gets COORDINATOR_NOT_AVAILABLE with a message saying so.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final BrokerIdentity identity;

    public FindCoordinatorHandler(BrokerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FindCoordinatorRequest request) {
        boolean group = request.data().keyType() == FindCoordinatorRequest.CoordinatorType.GROUP.id();
        Errors error = group ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
        String message = group ? null : "Transactions are not supported yet";
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (context.apiVersion() < 4) {
            data.setErrorCode(error.code()).setErrorMessage(message)
                    .setNodeId(group ? identity.brokerId() : -1).setHost(group ? identity.host() : "")
                    .setPort(group ? identity.port() : -1);
        } else {
            List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
            for (String key : request.data().coordinatorKeys()) {
                coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                        .setErrorCode(error.code()).setErrorMessage(message)
                        .setNodeId(group ? identity.brokerId() : -1).setHost(group ? identity.host() : "")
                        .setPort(group ? identity.port() : -1));
            }
            data.setCoordinators(coordinators);
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }
}
