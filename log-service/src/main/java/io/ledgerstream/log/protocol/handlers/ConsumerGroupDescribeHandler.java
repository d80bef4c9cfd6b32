package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.consumer.ConsumerGroupDescription;
import io.ledgerstream.log.group.consumer.PartitionSet;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ConsumerGroupDescribe: a consumer group's state, epochs, assignor and members with their assignments and targets,
 * topics named by id and name. A group that is not a consumer group (unknown, or classic) is GROUP_ID_NOT_FOUND, as
 * in Kafka; the admin client then asks DescribeGroups. As in Kafka, a group needs Describe on it (else
 * GROUP_AUTHORIZATION_FAILED) and on every topic its members are assigned or targeted (else the group is answered
 * TOPIC_AUTHORIZATION_FAILED, without its description); its authorized operations (KIP-430) are given when asked for.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {
    /** KIP-1099's member types: a member that speaks the classic protocol, and one that speaks the consumer one. */
    private static final byte CLASSIC_MEMBER = 0;
    private static final byte CONSUMER_MEMBER = 1;
    private static final String TOPICS_REFUSED =
            "The described group uses topics that the client is not authorized to describe.";

    private final GroupCoordinator groups;
    private final ClusterView cluster;
    private final Authorization authorization;

    ConsumerGroupDescribeHandler(GroupCoordinator groups, ClusterView cluster, Authorization authorization) {
        this.groups = groups;
        this.cluster = cluster;
        this.authorization = authorization;
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
        boolean operations = request.data().includeAuthorizedOperations();
        for (String groupId : request.data().groupIds()) {
            if (!authorization.group(context, AclOperation.DESCRIBE, groupId)) {
                described.add(CompletableFuture.completedFuture(new ConsumerGroupDescribeResponseData.DescribedGroup()
                        .setGroupId(groupId).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
                continue;
            }
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
                describe(group, found.get());
                if (!topicsDescribable(context, group)) {
                    return new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setErrorMessage(TOPICS_REFUSED);
                }
                if (operations) {
                    group.setAuthorizedOperations(authorization.authorizedOperations(context, ResourceType.GROUP,
                            groupId));
                }
                return group;
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

    /** Whether the request may describe every topic the group's members are assigned or targeted. */
    private boolean topicsDescribable(RequestContext context, ConsumerGroupDescribeResponseData.DescribedGroup group) {
        Set<String> topics = new HashSet<>();
        for (ConsumerGroupDescribeResponseData.Member member : group.members()) {
            member.assignment().topicPartitions().forEach(t -> topics.add(t.topicName()));
            member.targetAssignment().topicPartitions().forEach(t -> topics.add(t.topicName()));
        }
        topics.remove("");
        return topics.stream().allMatch(t -> authorization.topic(context, AclOperation.DESCRIBE, t));
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
