package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.CommittedOffset;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch of one group (v0-v7) or several (v8, each with its own error): the given partitions, or every partition
 * with a commit. As in Kafka, a group needs Describe on it (else GROUP_AUTHORIZATION_FAILED) and a topic Describe
 * on it: a topic asked for without it is answered TOPIC_AUTHORIZATION_FAILED, and left out when every partition is
 * asked for.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    OffsetFetchHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    /** v9 adds the member id and epoch of a consumer group's member (KIP-848), checked against the group. */
    @Override
    public short maxVersion() {
        return 9;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetFetchRequest request) {
        OffsetFetchRequestData data = request.data();
        if (context.apiVersion() < 8) {
            AbstractResponse refused = authorization.refuseUnlessGroup(context, request, AclOperation.DESCRIBE,
                    data.groupId());
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
            List<TopicPartition> partitions = data.topics() == null ? null : partitionsOf(data.topics().stream()
                    .map(t -> new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name())
                            .setPartitionIndexes(t.partitionIndexes())).toList());
            return visible(context, data.groupId(), null, -1, partitions, data.requireStable()).thenApply(found -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(Errors.NONE.code());
                for (OffsetFetchResponseData.OffsetFetchResponseTopics t : found) {
                    OffsetFetchResponseData.OffsetFetchResponseTopic topic =
                            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
                    t.partitions().forEach(p -> topic.partitions().add(
                            new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                    .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                                    .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
                                    .setErrorCode(p.errorCode())));
                    response.topics().add(topic);
                }
                return new OffsetFetchResponse(response, context.apiVersion());
            });
        }
        List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> lookups = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup group : data.groups()) {
            if (!authorization.group(context, AclOperation.DESCRIBE, group.groupId())) {
                lookups.add(CompletableFuture.completedFuture(new OffsetFetchResponseData.OffsetFetchResponseGroup()
                        .setGroupId(group.groupId()).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
                continue;
            }
            List<TopicPartition> partitions = group.topics() == null ? null : partitionsOf(group.topics());
            // Each group answers for itself: one this broker does not coordinate gets NOT_COORDINATOR alone.
            lookups.add(visible(context, group.groupId(), group.memberId(), group.memberEpoch(), partitions,
                    data.requireStable()).handle((found, error) ->
                    error != null
                            ? new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(group.groupId())
                                    .setErrorCode(KafkaErrors.forException(error).code())
                            : new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(group.groupId())
                                    .setErrorCode(Errors.NONE.code()).setTopics(found)));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> {
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            lookups.forEach(l -> response.groups().add(l.join()));
            return new OffsetFetchResponse(response, context.apiVersion());
        });
    }

    /**
     * The committed offsets of the partitions whose topics the request may describe, and TOPIC_AUTHORIZATION_FAILED
     * for the other partitions asked for; with every partition asked for (null), only the describable ones.
     */
    private CompletableFuture<List<OffsetFetchResponseData.OffsetFetchResponseTopics>> visible(
            RequestContext context, String groupId, String memberId, int memberEpoch, List<TopicPartition> partitions,
            boolean requireStable) {
        Map<String, Boolean> describable = new HashMap<>();
        Predicate<String> mayDescribe = topic -> describable.computeIfAbsent(topic,
                t -> authorization.topic(context, AclOperation.DESCRIBE, t));
        if (partitions == null) {
            return stable(groupId, memberId, memberEpoch, null, requireStable).thenApply(committed -> {
                Map<TopicPartition, CommittedOffset> shown = new LinkedHashMap<>();
                committed.forEach((tp, offset) -> {
                    if (mayDescribe.test(tp.topic())) {
                        shown.put(tp, offset);
                    }
                });
                return topics(shown, List.of());
            });
        }
        List<TopicPartition> allowed = new ArrayList<>();
        List<TopicPartition> refused = new ArrayList<>();
        partitions.forEach(tp -> (mayDescribe.test(tp.topic()) ? allowed : refused).add(tp));
        return stable(groupId, memberId, memberEpoch, allowed, requireStable)
                .thenApply(committed -> topics(committed, refused));
    }

    /**
     * The committed offsets; with {@code requireStable} (read_committed consumers ask so), a partition whose offset
     * an undecided transaction is committing is marked unstable (null), to be answered UNSTABLE_OFFSET_COMMIT, which
     * the consumer retries, as Kafka does. A member of a consumer group that names itself (v9) must be in the group
     * in that epoch.
     */
    private CompletableFuture<Map<TopicPartition, CommittedOffset>> stable(String groupId, String memberId,
                                                                           int memberEpoch,
                                                                           List<TopicPartition> partitions,
                                                                           boolean requireStable) {
        CompletableFuture<Map<TopicPartition, CommittedOffset>> committed = groups.committed(groupId, memberId,
                memberEpoch, partitions);
        if (!requireStable) {
            return committed;
        }
        return committed.thenCompose(offsets -> groups.unstable(groupId, partitions)
                .thenApply(unstable -> {
                    Map<TopicPartition, CommittedOffset> marked = new LinkedHashMap<>(offsets);
                    unstable.forEach(tp -> marked.put(tp, null));
                    return marked;
                }));
    }

    private static List<TopicPartition> partitionsOf(List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(t -> t.partitionIndexes().forEach(p -> partitions.add(new TopicPartition(t.name(), p))));
        return partitions;
    }

    private static List<OffsetFetchResponseData.OffsetFetchResponseTopics> topics(
            Map<TopicPartition, CommittedOffset> committed, List<TopicPartition> refused) {
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        committed.forEach((tp, offset) -> topics.computeIfAbsent(tp.topic(),
                name -> new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(name)).partitions()
                .add(offset == null
                        ? new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(tp.partition())
                                .setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                                .setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code())
                        : new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(tp.partition())
                                .setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                                .setMetadata(offset.metadata()).setErrorCode(Errors.NONE.code())));
        refused.forEach(tp -> topics.computeIfAbsent(tp.topic(),
                name -> new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(name)).partitions()
                .add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(tp.partition())
                        .setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
        return new ArrayList<>(topics.values());
    }
}
