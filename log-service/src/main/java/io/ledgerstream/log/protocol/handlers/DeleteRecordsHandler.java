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
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords: moves each partition's log start offset up (-1 meaning the high watermark). As in Kafka, a topic
 * needs Delete on it (else TOPIC_AUTHORIZATION_FAILED for its partitions).
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private final PartitionLogs logs;
    private final Authorization authorization;

    DeleteRecordsHandler(PartitionLogs logs, Authorization authorization) {
        this.logs = logs;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public short maxVersion() {
        return 2;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteRecordsRequest request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult =
                    new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            boolean authorized = authorization.topic(context, AclOperation.DELETE, topic.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition partition : topic.partitions()) {
                DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                        new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                                .setPartitionIndex(partition.partitionIndex()).setLowWatermark(-1);
                topicResult.partitions().add(result);
                if (!authorized) {
                    result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                deletions.add(logs.log(new TopicPartition(topic.name(), partition.partitionIndex()))
                        .thenCompose(log -> log.deleteRecordsBefore(partition.offset()))
                        .handle((low, e) -> {
                            if (e != null) {
                                result.setErrorCode(KafkaErrors.forException(e).code());
                            } else {
                                result.setErrorCode(Errors.NONE.code()).setLowWatermark(low);
                            }
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                .thenApply(v -> new DeleteRecordsResponse(response));
    }
}
