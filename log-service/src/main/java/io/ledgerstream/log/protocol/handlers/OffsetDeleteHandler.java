package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/**
 * OffsetDelete: removes a group's committed offsets of given partitions while the group has no members. As in Kafka,
 * it needs Delete on the group (else GROUP_AUTHORIZATION_FAILED) and Read on each topic (else
 * TOPIC_AUTHORIZATION_FAILED for its partitions, whose offsets stay).
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {
    private final GroupCoordinator groups;
    private final Authorization authorization;

    OffsetDeleteHandler(GroupCoordinator groups, Authorization authorization) {
        this.groups = groups;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetDeleteRequest request) {
        AbstractResponse groupRefused = authorization.refuseUnlessGroup(context, request, AclOperation.DELETE,
                request.data().groupId());
        if (groupRefused != null) {
            return CompletableFuture.completedFuture(groupRefused);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        Map<TopicPartition, Errors> refused = new LinkedHashMap<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.data().topics()) {
            boolean authorized = authorization.topic(context, AclOperation.READ, topic.name());
            topic.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (authorized) {
                    partitions.add(tp);
                } else {
                    refused.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                }
            });
        }
        return groups.deleteOffsets(request.data().groupId(), partitions).thenApply(deleted -> {
            Map<TopicPartition, Errors> all = new LinkedHashMap<>(deleted);
            all.putAll(refused);
            return all;
        }).handle((results, error) -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData();
            if (error != null) {
                return new OffsetDeleteResponse(response.setErrorCode(KafkaErrors.forException(error).code()));
            }
            Map<String, OffsetDeleteResponseData.OffsetDeleteResponseTopic> topics = new LinkedHashMap<>();
            results.forEach((tp, e) -> topics.computeIfAbsent(tp.topic(), name -> {
                OffsetDeleteResponseData.OffsetDeleteResponseTopic t =
                        new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(name);
                response.topics().add(t);
                return t;
            }).partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                    .setPartitionIndex(tp.partition()).setErrorCode(e.code())));
            return new OffsetDeleteResponse(response.setErrorCode(Errors.NONE.code()));
        });
    }
}
