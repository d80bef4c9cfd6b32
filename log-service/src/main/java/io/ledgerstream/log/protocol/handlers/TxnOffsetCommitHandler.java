package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.CommittedOffset;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

/**
 * TxnOffsetCommit: a transactional producer's consumed offsets (sendOffsetsToTransaction), committed when its
 * transaction commits. v5 belongs to transaction version 2, which is not served.
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    TxnOffsetCommitHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.TXN_OFFSET_COMMIT;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, TxnOffsetCommitRequest request) {
        AbstractResponse refused = authorization.refuseUnlessTransactionalOffsets(context, request,
                request.data().transactionalId(), request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        TxnOffsetCommitRequestData data = request.data();
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        // Kafka's check: Read on each topic; the partitions of the others are not committed.
        Map<TopicPartition, Errors> topicsRefused = new LinkedHashMap<>();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : data.topics()) {
            if (!authorization.topic(context, AclOperation.READ, topic.name())) {
                topic.partitions().forEach(p -> topicsRefused.put(new TopicPartition(topic.name(),
                        p.partitionIndex()), Errors.TOPIC_AUTHORIZATION_FAILED));
                continue;
            }
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                offsets.put(new TopicPartition(topic.name(), p.partitionIndex()), new CommittedOffset(
                        p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        CompletableFuture<Map<TopicPartition, Errors>> results = data.groupId().isEmpty()
                ? CompletableFuture.completedFuture(each(offsets, Errors.INVALID_GROUP_ID))
                : offsets.isEmpty() ? CompletableFuture.completedFuture(Map.of())
                : groups.commitTransactional(data.groupId(), data.producerId(), data.producerEpoch(),
                        data.generationId(), data.memberId(), offsets)
                .exceptionally(error -> each(offsets, io.ledgerstream.log.protocol.KafkaErrors.forException(error)));
        return results.thenApply(outcome -> {
            Map<TopicPartition, Errors> mapped = new LinkedHashMap<>(topicsRefused);
            outcome.forEach((tp, e) -> mapped.put(tp, context.apiVersion() < 2
                    && e == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Errors.COORDINATOR_NOT_AVAILABLE : e));
            return new TxnOffsetCommitResponse(0, mapped);
        });
    }

    private static Map<TopicPartition, Errors> each(Map<TopicPartition, CommittedOffset> offsets, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        offsets.keySet().forEach(tp -> result.put(tp, error));
        return result;
    }
}
