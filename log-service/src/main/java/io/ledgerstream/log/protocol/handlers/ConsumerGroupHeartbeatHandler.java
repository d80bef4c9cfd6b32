package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.consumer.Heartbeat;
import io.ledgerstream.log.group.consumer.PartitionSet;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/**
 * ConsumerGroupHeartbeat (KIP-848): a member of a consumer group joins, stays, updates its subscription, reports
 * what it owns and learns its epoch and assignment, or leaves. From v1 members make their own ids and may subscribe
 * by regular expression. As in Kafka, it needs Read on the group (else GROUP_AUTHORIZATION_FAILED) and Describe on
 * every topic subscribed to by name (else TOPIC_AUTHORIZATION_FAILED).
 */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    ConsumerGroupHeartbeatHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ConsumerGroupHeartbeatRequest request) {
        AbstractResponse refused = authorization.refuseUnlessGroup(context, request, AclOperation.READ, request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        ConsumerGroupHeartbeatRequestData data = request.data();
        if (data.subscribedTopicNames() != null) {
            List<String> refusedTopics = data.subscribedTopicNames().stream()
                    .filter(t -> !authorization.topic(context, AclOperation.DESCRIBE, t)).distinct().toList();
            if (!refusedTopics.isEmpty()) {
                return CompletableFuture.completedFuture(error(Errors.TOPIC_AUTHORIZATION_FAILED,
                        "Not authorized to describe the subscribed topics " + refusedTopics));
            }
        }
        if (context.apiVersion() >= 1 && (data.memberId() == null || data.memberId().isEmpty())) {
            return CompletableFuture.completedFuture(error(Errors.INVALID_REQUEST, "MemberId can't be empty"));
        }
        PartitionSet owned = null;
        if (data.topicPartitions() != null) {
            PartitionSet.Builder builder = PartitionSet.builder();
            data.topicPartitions().forEach(t -> t.partitions().forEach(p -> builder.add(t.topicId(), p)));
            owned = builder.build();
        }
        Heartbeat heartbeat = new Heartbeat(data.groupId(), data.memberId(), data.memberEpoch(), data.instanceId(),
                data.rackId(), data.rebalanceTimeoutMs(), data.subscribedTopicNames(),
                context.apiVersion() >= 1 ? data.subscribedTopicRegex() : null, data.serverAssignor(), owned,
                context.header().clientId(), String.valueOf(context.clientAddress()),
                authorization.describableTopics(context));
        return groups.consumerHeartbeat(heartbeat).handle((result, failure) -> {
            if (failure != null) {
                return error(KafkaErrors.forException(failure), KafkaErrors.message(failure));
            }
            ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(Errors.NONE.code()).setMemberId(result.memberId())
                    .setMemberEpoch(result.memberEpoch()).setHeartbeatIntervalMs(result.heartbeatIntervalMs());
            if (result.assignment() != null) {
                List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
                result.assignment().byTopic().forEach((id, partitions) -> topics.add(
                        new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(id)
                                .setPartitions(new ArrayList<>(partitions))));
                response.setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics));
            }
            return new ConsumerGroupHeartbeatResponse(response);
        });
    }

    private static AbstractResponse error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponse(new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(error.code()).setErrorMessage(message));
    }
}
