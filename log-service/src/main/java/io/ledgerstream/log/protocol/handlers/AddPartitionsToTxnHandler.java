package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn in its client form (v0 to v3): the partitions a transactional producer is about to write.
 * As in Kafka, internal topics are refused (TOPIC_AUTHORIZATION_FAILED: offsets join through AddOffsetsToTxn),
 * unknown partitions get UNKNOWN_TOPIC_OR_PARTITION, and then the others OPERATION_NOT_ATTEMPTED; the batched
 * broker form (v4 and later) is not served.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest> {
    private final TopicAdmin topics;
    private final TransactionCoordinator transactions;

    public AddPartitionsToTxnHandler(TopicAdmin topics, TransactionCoordinator transactions) {
        this.topics = topics;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public short maxVersion() {
        return 3;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : data.v3AndBelowTopics()) {
            for (int p : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        String id = data.v3AndBelowTransactionalId();
        return checkPartitions(partitions).thenCompose(refused -> {
            if (!refused.isEmpty()) {
                Map<TopicPartition, Errors> results = new LinkedHashMap<>();
                partitions.forEach(tp -> results.put(tp, refused.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
                return CompletableFuture.completedFuture(results);
            }
            return transactions.addPartitions(id, data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(),
                    partitions);
        }).thenApply(results -> {
            Map<TopicPartition, Errors> mapped = new LinkedHashMap<>();
            results.forEach((tp, e) -> mapped.put(tp, TransactionErrors.forVersion(e, context.apiVersion(), 2)));
            AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection topics =
                    new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection();
            mapped.forEach((tp, e) -> {
                AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult topic = topics.find(tp.topic());
                if (topic == null) {
                    topic = new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(tp.topic());
                    topics.add(topic);
                }
                topic.resultsByPartition().add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                        .setPartitionIndex(tp.partition()).setPartitionErrorCode(e.code()));
            });
            return new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData()
                    .setResultsByTopicV3AndBelow(topics));
        });
    }

    /** The partitions Kafka refuses before asking the coordinator, with their errors. */
    private CompletableFuture<Map<TopicPartition, Errors>> checkPartitions(Set<TopicPartition> partitions) {
        Map<TopicPartition, Errors> refused = new LinkedHashMap<>();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (TopicNames.isInternal(tp.topic())) {
                refused.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                continue;
            }
            lookups.add(topics.topic(tp.topic()).handle((TopicRecord topic, Throwable error) -> {
                if (error != null || tp.partition() < 0 || tp.partition() >= topic.partitions()) {
                    synchronized (refused) {
                        refused.put(tp, error != null && !(Futures.unwrap(error)
                                instanceof io.ledgerstream.log.metadata.UnknownTopicException)
                                ? Errors.UNKNOWN_SERVER_ERROR : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> refused);
    }
}
