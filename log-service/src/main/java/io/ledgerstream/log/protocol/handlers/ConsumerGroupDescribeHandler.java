package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.consumer.ConsumerGroupDescription;
import io.ledgerstream.log.group.consumer.PartitionSet;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;

/**
 * ConsumerGroupDescribe: a consumer group's state, epochs, assignor and members with their assignments and targets,
 * topics named by id and name. A group that is not a consumer group (unknown, or classic) is GROUP_ID_NOT_FOUND, as
 * in Kafka; the admin client then asks DescribeGroups.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {
    /** KIP-1099's member types: a member that speaks the classic protocol, and one that speaks the consumer one. */
    private static final byte CLASSIC_MEMBER = 0;
    private static final byte CONSUMER_MEMBER = 1;

    private final GroupCoordinator groups;
    private final ClusterView cluster;

    public ConsumerGroupDescribeHandler(GroupCoordinator groups, ClusterView cluster) {
        this.groups = groups;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ConsumerGroupDescribeRequest request) {
        List<CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup>> described = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            described.add(groups.describeConsumerGroup(groupId).handle((found, failure) -> {
                ConsumerGroupDescribeResponseData.DescribedGroup group =
                        new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
                if (failure != null) {
                    return group.setErrorCode(KafkaErrors.forException(failure).code())
                            .setErrorMessage(KafkaErrors.message(failure));
                }
                if (found.isEmpty()) {
                    return group.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + groupId + " is not a consumer group");
                }
                return describe(group, found.get());
            }));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            described.forEach(d -> response.groups().add(d.join()));
            return new ConsumerGroupDescribeResponse(response);
        });
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe(
            ConsumerGroupDescribeResponseData.DescribedGroup group, ConsumerGroupDescription description) {
        group.setErrorCode(Errors.NONE.code()).setGroupState(description.state())
                .setGroupEpoch(description.groupEpoch()).setAssignmentEpoch(description.assignmentEpoch())
                .setAssignorName(description.assignorName());
        for (ConsumerGroupDescription.Member m : description.members()) {
            group.members().add(new ConsumerGroupDescribeResponseData.Member().setMemberId(m.memberId())
                    .setInstanceId(m.instanceId()).setRackId(m.rackId()).setMemberEpoch(m.memberEpoch())
                    .setClientId(m.clientId()).setClientHost(m.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                    .setSubscribedTopicRegex(m.subscribedTopicRegex())
                    .setAssignment(assignment(m.assignment()))
                    .setTargetAssignment(assignment(m.targetAssignment()))
                    .setMemberType(m.classic() ? CLASSIC_MEMBER : CONSUMER_MEMBER));
        }
        return group;
    }

    /** Partitions by topic id and name; a topic deleted meanwhile shows with an empty name. */
    private ConsumerGroupDescribeResponseData.Assignment assignment(PartitionSet partitions) {
        ConsumerGroupDescribeResponseData.Assignment assignment = new ConsumerGroupDescribeResponseData.Assignment();
        partitions.byTopic().forEach((id, ps) -> {
            Optional<String> name = cluster.topicName(id).getNow(Optional.empty());
            assignment.topicPartitions().add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                    .setTopicId(id).setTopicName(name.orElse("")).setPartitions(new ArrayList<>(ps)));
        });
        return assignment;
    }
}
