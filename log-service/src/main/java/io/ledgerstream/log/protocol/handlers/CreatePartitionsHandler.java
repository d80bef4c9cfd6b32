package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions: raises a topic's partition count (new partitions start empty); assignments are BookKeeper's. As
 * in Kafka, a topic needs Alter on it (else TOPIC_AUTHORIZATION_FAILED).
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final TopicAdmin topics;
    private final Authorization authorization;

    CreatePartitionsHandler(TopicAdmin topics, Authorization authorization) {
        this.topics = topics;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public short maxVersion() {
        return 3;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, CreatePartitionsRequest request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        List<CompletableFuture<Void>> changes = new ArrayList<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic topic : request.data().topics()) {
            CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                    new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            if (!authorization.topic(context, AclOperation.ALTER, topic.name())) {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("Not authorized to alter topic " + topic.name());
                continue;
            }
            CompletableFuture<Void> change = topic.assignments() != null && !topic.assignments().isEmpty()
                    ? CompletableFuture.failedFuture(new org.apache.kafka.common.errors.InvalidReplicaAssignmentException(
                            "Replica assignments are chosen by BookKeeper; do not give them"))
                    : request.data().validateOnly()
                    ? topics.topic(topic.name()).thenAccept(t -> {
                        if (topic.count() <= t.partitions()) {
                            throw new org.apache.kafka.common.errors.InvalidPartitionsException("Topic " + topic.name()
                                    + " has " + t.partitions() + " partitions; the new count must be larger");
                        }
                    })
                    : topics.createPartitions(topic.name(), topic.count());
            changes.add(change.handle((v, e) -> {
                result.setErrorCode(KafkaErrors.code(e)).setErrorMessage(KafkaErrors.messageOrNull(e));
                return null;
            }));
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new))
                .thenApply(v -> new CreatePartitionsResponse(response));
    }
}
