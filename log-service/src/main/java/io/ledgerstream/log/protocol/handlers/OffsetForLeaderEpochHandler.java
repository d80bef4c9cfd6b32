package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, which consumers use to detect a log truncated under them. Our log never truncates an
 * acknowledged record (a new writer recovers every entry a quorum holds, and readers only ever see acknowledged
 * ones), so every epoch up to the current one ends, as far as a consumer can tell, at the high watermark. A
 * request naming an epoch newer than the writer's gets UNKNOWN_LEADER_EPOCH, an older current epoch
 * FENCED_LEADER_EPOCH. As in Kafka, a topic needs Describe on it, or the request ClusterAction on the cluster (a
 * broker's); else TOPIC_AUTHORIZATION_FAILED for its partitions.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {
    private final PartitionLogs logs;
    private final Authorization authorization;

    OffsetForLeaderEpochHandler(PartitionLogs logs, Authorization authorization) {
        this.logs = logs;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        boolean clusterAction = authorization.cluster(context, AclOperation.CLUSTER_ACTION);
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topicResult =
                    new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            boolean authorized = clusterAction || authorization.topic(context, AclOperation.DESCRIBE, topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition partition : topic.partitions()) {
                OffsetForLeaderEpochResponseData.EpochEndOffset result =
                        new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(partition.partition())
                                .setLeaderEpoch(-1).setEndOffset(-1);
                topicResult.partitions().add(result);
                if (!authorized) {
                    result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                lookups.add(logs.log(new TopicPartition(topic.topic(), partition.partition())).handle((log, e) -> {
                    if (e != null) {
                        result.setErrorCode(KafkaErrors.forException(e).code());
                    } else if (partition.currentLeaderEpoch() > log.leaderEpoch()
                            || partition.leaderEpoch() > log.leaderEpoch()) {
                        result.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
                    } else if (partition.currentLeaderEpoch() >= 0 && partition.currentLeaderEpoch() < log.leaderEpoch()) {
                        result.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
                    } else {
                        result.setErrorCode(Errors.NONE.code()).setLeaderEpoch(partition.leaderEpoch())
                                .setEndOffset(log.highWatermark());
                    }
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> new OffsetsForLeaderEpochResponse(response));
    }
}
