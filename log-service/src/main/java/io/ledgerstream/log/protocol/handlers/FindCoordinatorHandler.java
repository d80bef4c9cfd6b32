package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator, of one key (v0-v3) or several (v4): a group's coordinator is the leader of its partition of
 * {@code __consumer_offsets}, a transactional id's the leader of its partition of {@code __transaction_state}. While
 * that partition has no live leader (or the broker is still starting), COORDINATOR_NOT_AVAILABLE. The coordinator is
 * given by its address on the listener the request arrived on; a coordinator without that listener is
 * COORDINATOR_NOT_AVAILABLE too, as in Kafka.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final ClusterView cluster;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;

    private final Authorization authorization;

    FindCoordinatorHandler(ClusterView cluster, GroupCoordinator groups, TransactionCoordinator transactions,
                           Authorization authorization) {
        this.authorization = authorization;
        this.cluster = cluster;
        this.groups = groups;
        this.transactions = transactions;
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
        byte keyType = request.data().keyType();
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (context.apiVersion() < 4) {
            Answer a = find(context, keyType, request.data().key());
            data.setErrorCode(a.error().code()).setErrorMessage(a.message()).setNodeId(a.nodeId()).setHost(a.host())
                    .setPort(a.port());
        } else {
            List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
            for (String key : request.data().coordinatorKeys()) {
                Answer a = find(context, keyType, key);
                coordinators.add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                        .setErrorCode(a.error().code()).setErrorMessage(a.message())
                        .setNodeId(a.nodeId()).setHost(a.host()).setPort(a.port()));
            }
            data.setCoordinators(coordinators);
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }

    private record Answer(Errors error, String message, int nodeId, String host, int port) {
    }

    /** The coordinator of a key, once the request may Describe the group or transactional id, as in Kafka. */
    private Answer find(RequestContext context, byte keyType, String key) {
        String listenerName = context.listenerName();
        TopicPartition partition;
        if (keyType == FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
            if (!authorization.group(context, AclOperation.DESCRIBE, key == null ? "" : key)) {
                return new Answer(Errors.GROUP_AUTHORIZATION_FAILED, null, -1, "", -1);
            }
            int index = groups.partitionFor(key == null ? "" : key);
            if (index < 0) {
                return new Answer(Errors.COORDINATOR_NOT_AVAILABLE, "The group coordinator is not started yet", -1,
                        "", -1);
            }
            partition = new TopicPartition(OffsetStore.TOPIC, index);
        } else if (keyType == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()) {
            if (key == null || key.isEmpty()) {
                return new Answer(Errors.INVALID_REQUEST, "The transactional id is empty", -1, "", -1);
            }
            if (!authorization.transactionalId(context, AclOperation.DESCRIBE, key)) {
                return new Answer(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null, -1, "", -1);
            }
            partition = new TopicPartition(TransactionCoordinator.topic(), transactions.partitionFor(key));
        } else {
            return new Answer(Errors.INVALID_REQUEST, "Unknown coordinator key type " + keyType, -1, "", -1);
        }
        BrokerRegistration coordinator = cluster.liveLeader(partition).orElse(null);
        if (coordinator == null) {
            return new Answer(Errors.COORDINATOR_NOT_AVAILABLE, partition + " has no live leader yet", -1, "", -1);
        }
        return coordinator.endpoint(listenerName)
                .map(e -> new Answer(Errors.NONE, null, coordinator.id(), e.host(), e.port()))
                .orElseGet(() -> new Answer(Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator of " + partition
                        + ", broker " + coordinator.id() + ", has no listener " + listenerName, -1, "", -1));
    }
}
