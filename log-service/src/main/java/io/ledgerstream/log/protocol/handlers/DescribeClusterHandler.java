package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/** DescribeCluster: the cluster id, this broker, and this broker as controller. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    private final BrokerIdentity identity;

    public DescribeClusterHandler(BrokerIdentity identity) {
        this.identity = identity;
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
                .setControllerId(identity.brokerId());
        data.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                .setBrokerId(identity.brokerId()).setHost(identity.host()).setPort(identity.port()));
        return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
    }
}
