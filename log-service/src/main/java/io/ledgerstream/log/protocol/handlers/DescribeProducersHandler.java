package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.partition.ProducerStateTable;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

/**
 * DescribeProducers: the producers a partition this broker leads knows, with the first offset of each one's open
 * transaction ({@code kafka-transactions describe-producers}, {@code find-hanging} and {@code abort} use it). As in
 * Kafka, a topic needs Read on it (else TOPIC_AUTHORIZATION_FAILED for its partitions).
 */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest> {
    private final PartitionLogs logs;
    private final Authorization authorization;

    DescribeProducersHandler(PartitionLogs logs, Authorization authorization) {
        this.logs = logs;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_PRODUCERS;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeProducersRequest request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (DescribeProducersRequestData.TopicRequest topic : request.data().topics()) {
            DescribeProducersResponseData.TopicResponse topicResponse =
                    new DescribeProducersResponseData.TopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            boolean authorized = authorization.topic(context, AclOperation.READ, topic.name());
            for (int index : topic.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse partition =
                        new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(index);
                topicResponse.partitions().add(partition);
                if (!authorized) {
                    partition.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message());
                    continue;
                }
                lookups.add(logs.log(new TopicPartition(topic.name(), index)).handle((log, error) -> {
                    if (error != null) {
                        partition.setErrorCode(KafkaErrors.forException(error).code())
                                .setErrorMessage(KafkaErrors.message(error));
                        return null;
                    }
                    partition.setErrorCode(Errors.NONE.code());
                    for (ProducerStateTable.ActiveProducer p : log.producers()) {
                        partition.activeProducers().add(new DescribeProducersResponseData.ProducerState()
                                .setProducerId(p.producerId()).setProducerEpoch(p.epoch())
                                .setLastSequence(p.lastSequence()).setLastTimestamp(p.lastTimestamp())
                                .setCoordinatorEpoch(p.coordinatorEpoch())
                                .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
                    }
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> new DescribeProducersResponse(response));
    }
}
