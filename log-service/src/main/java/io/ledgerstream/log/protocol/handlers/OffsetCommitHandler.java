package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.CommittedOffset;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit from group members (generation and member id checked) and from consumers that assign partitions
 * themselves and commit with generation -1 (as Flink's KafkaSource does on checkpoints).
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {
    private final GroupCoordinator groups;

    public OffsetCommitHandler(GroupCoordinator groups) {
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
        OffsetCommitRequestData data = request.data();
        Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : data.topics()) {
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                offsets.put(new TopicPartition(topic.name(), p.partitionIndex()), new CommittedOffset(
                        p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        return groups.commit(data.groupId(), data.generationIdOrMemberEpoch(), data.memberId(), offsets)
                .thenApply(results -> {
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
