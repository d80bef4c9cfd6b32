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
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit from group members (generation and member id checked) and from consumers that assign partitions
 * themselves and commit with generation -1 (as Flink's KafkaSource does on checkpoints).
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    OffsetCommitHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    /** From v9 the generation of a consumer group's member is its member epoch (KIP-848). */
    @Override
    public short maxVersion() {
        return 9;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetCommitRequest request) {
        AbstractResponse refused = authorization.refuseUnlessGroup(context, request, AclOperation.READ, request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        OffsetCommitRequestData data = request.data();
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        // Kafka's check: Read on each topic; the partitions of the others are not committed.
        Map<TopicPartition, Errors> topicsRefused = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : data.topics()) {
            if (!authorization.topic(context, AclOperation.READ, topic.name())) {
                topic.partitions().forEach(p -> topicsRefused.put(new TopicPartition(topic.name(),
                        p.partitionIndex()), Errors.TOPIC_AUTHORIZATION_FAILED));
                continue;
            }
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                offsets.put(new TopicPartition(topic.name(), p.partitionIndex()), new CommittedOffset(
                        p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        return groups.commit(data.groupId(), data.generationIdOrMemberEpoch(), data.memberId(), offsets)
                .thenApply(committed -> {
                    Map<TopicPartition, Errors> results = new LinkedHashMap<>(committed);
                    results.putAll(topicsRefused);
                    OffsetCommitResponseData response = new OffsetCommitResponseData();
                    Map<String, OffsetCommitResponseData.OffsetCommitResponseTopic> topics = new LinkedHashMap<>();
                    results.forEach((tp, error) -> topics.computeIfAbsent(tp.topic(), name -> {
                        OffsetCommitResponseData.OffsetCommitResponseTopic t =
                                new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(name);
                        response.topics().add(t);
                        return t;
                    }).partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                            .setPartitionIndex(tp.partition()).setErrorCode(error.code())));
                    return new OffsetCommitResponse(response);
                });
    }
}
