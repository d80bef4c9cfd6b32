package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.Controller;
import io.ledgerstream.log.cluster.ElectionOutcome;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;

/**
 * ElectLeaders ({@code kafka-leader-election}, {@code Admin.electLeaders}), served by the controller, where clients
 * send it: PREFERRED moves the partitions asked for to the controller's balanced placement now, UNCLEAN gives a leader
 * to those without a live one (see {@link Controller#elect}). A partition already led as the election would choose
 * is ELECTION_NOT_NEEDED; an election over every partition (no partitions named) answers, as Kafka does, only for
 * those it elected or failed. A broker that is not the controller answers NOT_CONTROLLER.
 */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequest> {
    private final Supplier<Controller> controller;

    /** @param controller this broker's part in the controller election; null until it has joined */
    private final Authorization authorization;

    ElectLeadersHandler(Supplier<Controller> controller, Authorization authorization) {
        this.authorization = authorization;
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ELECT_LEADERS;
    }

    @Override
    public short maxVersion() {
        return 2;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ElectLeadersRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.ALTER);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Controller c = controller.get();
        if (c == null) {
            return CompletableFuture.failedFuture(new NotControllerException("This broker has not joined the "
                    + "controller election yet"));
        }
        ElectionType type = ElectionType.valueOf(request.data().electionType());
        boolean everyPartition = request.data().topicPartitions() == null;
        Set<TopicPartition> asked = everyPartition ? null : request.topicPartitions();
        return c.elect(type, asked)
                .orTimeout(Math.max(1, request.data().timeoutMs()), TimeUnit.MILLISECONDS)
                .thenApply(outcomes -> {
                    ElectLeadersResponseData response = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
                    Map<String, ElectLeadersResponseData.ReplicaElectionResult> byTopic = new LinkedHashMap<>();
                    outcomes.forEach((tp, outcome) -> {
                        if (everyPartition && outcome == ElectionOutcome.NOT_NEEDED) {
                            return;
                        }
                        byTopic.computeIfAbsent(tp.topic(), t -> {
                            ElectLeadersResponseData.ReplicaElectionResult result =
                                    new ElectLeadersResponseData.ReplicaElectionResult().setTopic(t);
                            response.replicaElectionResults().add(result);
                            return result;
                        }).partitionResult().add(result(type, tp, outcome));
                    });
                    return new ElectLeadersResponse(response);
                });
    }

    private static ElectLeadersResponseData.PartitionResult result(ElectionType type, TopicPartition tp,
                                                                   ElectionOutcome outcome) {
        ElectLeadersResponseData.PartitionResult result = new ElectLeadersResponseData.PartitionResult()
                .setPartitionId(tp.partition());
        return switch (outcome) {
            case ELECTED -> result.setErrorCode(Errors.NONE.code());
            case NOT_NEEDED -> result.setErrorCode(Errors.ELECTION_NOT_NEEDED.code()).setErrorMessage(
                    type == ElectionType.PREFERRED ? tp + " is already led by its preferred (balanced) leader"
                            : tp + " has a live leader");
            case UNKNOWN_PARTITION -> result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("No such partition " + tp);
            case NO_ELIGIBLE_LEADER -> result.setErrorCode(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code())
                    .setErrorMessage("No live broker can lead " + tp);
        };
    }
}
