package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;

/**
 * AlterPartitionReassignments ({@code kafka-reassign-partitions --execute}): refused for every partition. A
 * partition's copies are its ledgers' entries on bookies, placed by BookKeeper; brokers hold no replicas, so there is
 * nothing to move between them. A new assignment is INVALID_REPLICA_ASSIGNMENT, a cancellation
 * NO_REASSIGNMENT_IN_PROGRESS (none ever is), an unknown partition UNKNOWN_TOPIC_OR_PARTITION. Which broker leads a
 * partition is the controller's choice; ElectLeaders moves leaders.
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler<AlterPartitionReassignmentsRequest> {
    static final String NO_BROKER_REPLICAS = "Brokers hold no replicas to reassign: a partition's copies are kept by "
            + "BookKeeper bookies, chosen per ledger; leadership moves with leader elections";

    private final TopicAdmin topics;

    private final Authorization authorization;

    AlterPartitionReassignmentsHandler(TopicAdmin topics, Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context,
                                                      AlterPartitionReassignmentsRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.ALTER);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setAllowReplicationFactorChange(request.data().allowReplicationFactorChange());
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic topic : request.data().topics()) {
            AlterPartitionReassignmentsResponseData.ReassignableTopicResponse topicResponse =
                    new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName(topic.name());
            response.responses().add(topicResponse);
            List<AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse> results = new ArrayList<>();
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition partition : topic.partitions()) {
                AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse result =
                        new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
                                .setPartitionIndex(partition.partitionIndex());
                results.add(result);
                if (partition.replicas() == null) {
                    result.setErrorCode(Errors.NO_REASSIGNMENT_IN_PROGRESS.code()).setErrorMessage(
                            "No reassignment of " + topic.name() + "-" + partition.partitionIndex()
                                    + " is in progress: " + NO_BROKER_REPLICAS);
                } else {
                    result.setErrorCode(Errors.INVALID_REPLICA_ASSIGNMENT.code()).setErrorMessage(NO_BROKER_REPLICAS);
                }
            }
            topicResponse.setPartitions(results);
            lookups.add(topics.topic(topic.name()).handle((record, error) -> {
                for (AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse result : results) {
                    if (error != null || result.partitionIndex() < 0
                            || result.partitionIndex() >= record.partitions()) {
                        Errors unknown = error != null ? KafkaErrors.forException(error)
                                : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                        result.setErrorCode(unknown.code()).setErrorMessage(error != null ? KafkaErrors.message(error)
                                : topic.name() + " has no partition " + result.partitionIndex());
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> new AlterPartitionReassignmentsResponse(response));
    }
}
