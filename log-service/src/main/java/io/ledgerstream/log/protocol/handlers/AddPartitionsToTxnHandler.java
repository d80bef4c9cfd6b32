package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * AddPartitionsToTxn. The client form (v0 to v3) adds the partitions a transactional producer is about to write;
 * as in Kafka, topics without Write and internal topics are refused (TOPIC_AUTHORIZATION_FAILED: offsets join
 * through AddOffsetsToTxn), unknown partitions get UNKNOWN_TOPIC_OR_PARTITION, and when any is refused the others
 * get OPERATION_NOT_ATTEMPTED. The batched
 * broker form (v4, v5) is served for verification only (verifyOnly: a partition leader asks whether a partition is
 * in the transaction, KIP-890); adding through it belongs to transaction version 2 and gets INVALID_REQUEST. The
 * broker form needs ClusterAction on the cluster, as in Kafka (else CLUSTER_AUTHORIZATION_FAILED).
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest> {
    private final TopicAdmin topics;
    private final ClusterView cluster;
    private final TransactionCoordinator transactions;

    private final Authorization authorization;

    AddPartitionsToTxnHandler(TopicAdmin topics, ClusterView cluster, TransactionCoordinator transactions,
                              Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
        this.cluster = cluster;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public short maxVersion() {
        return 5;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        if (context.apiVersion() >= 4) {
            AbstractResponse refused = authorization.refuseUnlessCluster(context, request,
                    AclOperation.CLUSTER_ACTION);
            return refused != null ? CompletableFuture.completedFuture(refused) : verifyBatch(data);
        }
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : data.v3AndBelowTopics()) {
            for (int p : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        String id = data.v3AndBelowTransactionalId();
        // Kafka's checks: Write on the transactional id, then Write on each topic.
        AbstractResponse idRefused = authorization.refuseUnlessTransactionalId(context, request, AclOperation.WRITE,
                id);
        if (idRefused != null) {
            return CompletableFuture.completedFuture(idRefused);
        }
        Map<TopicPartition, Errors> topicsRefused = new LinkedHashMap<>();
        partitions.forEach(tp -> {
            if (!authorization.topic(context, AclOperation.WRITE, tp.topic())) {
                topicsRefused.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
            }
        });
        // As Kafka: the partitions of the topics allowed are still checked, so that an unknown one is named as such
        // next to those refused, and only those that passed every check are OPERATION_NOT_ATTEMPTED.
        Set<TopicPartition> allowed = new LinkedHashSet<>(partitions);
        allowed.removeAll(topicsRefused.keySet());
        CompletableFuture<Map<TopicPartition, Errors>> checked = checkPartitions(allowed).thenApply(failed -> {
            Map<TopicPartition, Errors> refused = new LinkedHashMap<>(topicsRefused);
            refused.putAll(failed);
            return refused;
        });
        return checked.thenCompose(refused -> {
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
            return new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData()
                    .setResultsByTopicV3AndBelow(topicResults(mapped)));
        });
    }

    /** The broker form: each transaction's partitions verified (verifyOnly), every result per partition. */
    private CompletableFuture<AbstractResponse> verifyBatch(AddPartitionsToTxnRequestData data) {
        AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection results =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection();
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : data.transactions()) {
            Set<TopicPartition> partitions = new LinkedHashSet<>();
            for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : txn.topics()) {
                for (int p : topic.partitions()) {
                    partitions.add(new TopicPartition(topic.name(), p));
                }
            }
            CompletableFuture<Map<TopicPartition, Errors>> check = txn.verifyOnly()
                    ? transactions.verify(txn.transactionalId(), txn.producerId(), txn.producerEpoch(), partitions)
                    : CompletableFuture.completedFuture(each(partitions, Errors.INVALID_REQUEST));
            checks.add(check.thenAccept(outcome -> {
                synchronized (results) {
                    results.add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult()
                            .setTransactionalId(txn.transactionalId()).setTopicResults(topicResults(outcome)));
                }
            }));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(v -> new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData()
                        .setErrorCode(Errors.NONE.code()).setResultsByTransaction(results)));
    }

    private static Map<TopicPartition, Errors> each(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, error));
        return result;
    }

    private static AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection topicResults(
            Map<TopicPartition, Errors> outcome) {
        AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection topics =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection();
        outcome.forEach((tp, e) -> {
            AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(tp.topic());
                topics.add(topic);
            }
            topic.resultsByPartition().add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                    .setPartitionIndex(tp.partition()).setPartitionErrorCode(e.code()));
        });
        return topics;
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
            // Every transaction names its partitions: the cached leaders answer for a known topic, so that only a
            // topic this broker has not seen yet costs a metadata read.
            Optional<PartitionLeaders> known = cluster.leaders(tp.topic());
            if (known.isPresent() && tp.partition() >= 0 && tp.partition() < known.get().partitions().size()) {
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
