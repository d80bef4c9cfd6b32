package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.broker.LogManager;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: this broker leads every partition (one broker; BookKeeper holds the replicas), with the partition's
 * writer epoch as leader epoch. Unknown topics are created when auto-creation is on and the client allows it.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final LogManager logs;
    private final BrokerIdentity identity;

    public MetadataHandler(LogManager logs, BrokerIdentity identity) {
        this.logs = logs;
        this.identity = identity;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public short maxVersion() {
        return 12;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, MetadataRequest request) {
        MetadataRequestData data = request.data();
        CompletableFuture<List<String>> names = request.isAllTopics()
                ? logs.metadata().topicNames()
                : CompletableFuture.completedFuture(data.topics().stream().map(MetadataRequestData.MetadataRequestTopic::name).toList());
        boolean autoCreate = !request.isAllTopics() && data.allowAutoTopicCreation();
        return names.thenCompose(topics -> {
            List<CompletableFuture<MetadataResponseData.MetadataResponseTopic>> described = new ArrayList<>();
            for (String name : topics) {
                described.add(describe(name, autoCreate));
            }
            return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
                MetadataResponseData response = new MetadataResponseData()
                        .setClusterId(identity.clusterId())
                        .setControllerId(identity.brokerId());
                response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(identity.brokerId()).setHost(identity.host()).setPort(identity.port()));
                described.forEach(d -> response.topics().add(d.join()));
                return new MetadataResponse(response, context.apiVersion());
            });
        });
    }

    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> describe(String name, boolean autoCreate) {
        MetadataResponseData.MetadataResponseTopic topic = new MetadataResponseData.MetadataResponseTopic()
                .setName(name).setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(name.equals(io.ledgerstream.log.group.OffsetStore.TOPIC));
        try {
            TopicNames.validate(name);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(topic.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()));
        }
        return logs.topicCreatingIfAllowed(name, autoCreate).thenCompose(record -> partitions(record, topic))
                .exceptionally(e -> topic.setErrorCode(KafkaErrors.forException(e).code()));
    }

    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> partitions(
            TopicRecord record, MetadataResponseData.MetadataResponseTopic topic) {
        List<CompletableFuture<MetadataResponseData.MetadataResponsePartition>> partitions = new ArrayList<>();
        for (int p = 0; p < record.partitions(); p++) {
            int index = p;
            partitions.add(logs.metadata().partition(record.name(), p).thenApply(versioned ->
                    new MetadataResponseData.MetadataResponsePartition()
                            .setPartitionIndex(index)
                            .setErrorCode(Errors.NONE.code())
                            .setLeaderId(identity.brokerId())
                            .setLeaderEpoch((int) versioned.value().writerEpoch())
                            .setReplicaNodes(List.of(identity.brokerId()))
                            .setIsrNodes(List.of(identity.brokerId()))
                            .setOfflineReplicas(List.of())));
        }
        return CompletableFuture.allOf(partitions.toArray(CompletableFuture[]::new)).thenApply(v -> {
            partitions.forEach(p -> topic.partitions().add(p.join()));
            return topic.setErrorCode(Errors.NONE.code());
        });
    }
}
