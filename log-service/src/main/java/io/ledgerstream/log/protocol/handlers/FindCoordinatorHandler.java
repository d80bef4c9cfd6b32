package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator: the leader of the offsets partition ({@code __consumer_offsets}, one partition) coordinates
 * every group; while it has no live leader, COORDINATOR_NOT_AVAILABLE. Transaction coordinators do not exist yet:
 * that key type gets COORDINATOR_NOT_AVAILABLE with a message saying so.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final ClusterView cluster;

    public FindCoordinatorHandler(ClusterView cluster) {
        this.cluster = cluster;
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
        BrokerRegistration coordinator = group ? coordinator() : null;
        Errors error = coordinator != null ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
        String message = !group ? "Transactions are not supported yet"
                : coordinator == null ? "The offsets partition has no live leader yet" : null;
        int nodeId = coordinator != null ? coordinator.id() : -1;
        String host = coordinator != null ? coordinator.host() : "";
        int port = coordinator != null ? coordinator.port() : -1;
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (context.apiVersion() < 4) {
            data.setErrorCode(error.code()).setErrorMessage(message).setNodeId(nodeId).setHost(host).setPort(port);
        } else {
            List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
            for (String key : request.data().coordinatorKeys()) {
                coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                        .setErrorCode(error.code()).setErrorMessage(message)
                        .setNodeId(nodeId).setHost(host).setPort(port));
            }
            data.setCoordinators(coordinators);
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }

    /** The live broker leading the offsets partition, which coordinates every group; null if there is none. */
    private BrokerRegistration coordinator() {
        return cluster.liveLeader(new TopicPartition(OffsetStore.TOPIC, 0)).orElse(null);
    }
}
