package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/** CreatePartitions: raises a topic's partition count (new partitions start empty); assignments are BookKeeper's. */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final TopicAdmin topics;

    public CreatePartitionsHandler(TopicAdmin topics) {
        this.topics = topics;
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
