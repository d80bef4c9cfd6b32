package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.PartitionMarkers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * WriteTxnMarkers: writes commit or abort markers to partitions this broker leads, as a transaction coordinator
 * (or {@code kafka-transactions abort}) asks. A marker in the offsets partition also commits or drops the offsets
 * the producer sent with TxnOffsetCommit, once it is durable. As in Kafka, it needs Alter or ClusterAction on the
 * cluster (else CLUSTER_AUTHORIZATION_FAILED for every partition, nothing written).
 */
public final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequest> {
    private final PartitionMarkers markers;
    private final Authorization authorization;

    WriteTxnMarkersHandler(PartitionMarkers markers, Authorization authorization) {
        this.markers = markers;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.WRITE_TXN_MARKERS;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, WriteTxnMarkersRequest request) {
        if (!authorization.cluster(context, AclOperation.ALTER)) {
            AbstractResponse refused = authorization.refuseUnlessCluster(context, request,
                    AclOperation.CLUSTER_ACTION);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
        }
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (WriteTxnMarkersRequestData.WritableTxnMarker marker : request.data().markers()) {
            WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
                    new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
            response.markers().add(result);
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name());
                result.topics().add(topicResult);
                for (int index : topic.partitionIndexes()) {
                    WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult partitionResult =
                            new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                                    .setPartitionIndex(index);
                    topicResult.partitions().add(partitionResult);
                    writes.add(markers.write(new TopicPartition(topic.name(), index), marker.producerId(),
                                    marker.producerEpoch(), marker.transactionResult(), marker.coordinatorEpoch())
                            .handle((v, error) -> {
                                partitionResult.setErrorCode(error == null ? Errors.NONE.code()
                                        : KafkaErrors.forException(error).code());
                                return null;
                            }));
                }
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(v -> new WriteTxnMarkersResponse(response));
    }

}
