package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeCluster: the cluster id, the live brokers and the controller. Brokers are given by their addresses on the
 * listener the request arrived on; one without that listener is left out, as Kafka does. As on Kafka's brokers the
 * API itself needs no ACL; the cluster's authorized operations (KIP-430), when asked for, are those of the principal
 * with Describe on the cluster, and none without it.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    private final ClusterView cluster;
    private final BrokerIdentity identity;
    private final IntSupplier controllerId;
    private final Authorization authorization;

    DescribeClusterHandler(ClusterView cluster, BrokerIdentity identity, IntSupplier controllerId,
                           Authorization authorization) {
        this.cluster = cluster;
        this.identity = identity;
        this.controllerId = controllerId;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeClusterRequest request) {
        DescribeClusterResponseData data = new DescribeClusterResponseData()
                .setErrorCode(Errors.NONE.code())
                .setClusterId(identity.clusterId())
                .setControllerId(controllerId.getAsInt());
        if (request.data().includeClusterAuthorizedOperations()) {
            data.setClusterAuthorizedOperations(authorization.cluster(context, AclOperation.DESCRIBE)
                    ? authorization.authorizedOperations(context, ResourceType.CLUSTER, Resource.CLUSTER_NAME) : 0);
        }
        cluster.liveBrokers().values().forEach(b -> b.endpoint(context.listenerName()).ifPresent(e ->
                data.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(b.id())
                        .setHost(e.host()).setPort(e.port()).setRack(b.rack().isEmpty() ? null : b.rack()))));
        return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
    }
}
