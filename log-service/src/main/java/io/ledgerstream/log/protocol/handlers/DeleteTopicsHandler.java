package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/** DeleteTopics by name: the topic's logs are closed, its metadata deleted, then its ledgers. */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final TopicAdmin topics;

    public DeleteTopicsHandler(TopicAdmin topics) {
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public short maxVersion() {
        return 6;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteTopicsRequest request) {
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<String> names = new ArrayList<>(request.data().topicNames());
        for (DeleteTopicsRequestData.DeleteTopicState state : request.data().topics()) {
            boolean byId = !Uuid.ZERO_UUID.equals(state.topicId());
            boolean byName = state.name() != null;
            if (byName && !byId) {
                names.add(state.name());
                continue;
            }
            // Our topics carry no ids (Metadata shows them as zero), so no id names one.
            Errors error = byId && !byName ? Errors.UNKNOWN_TOPIC_ID : Errors.INVALID_REQUEST;
            String message = byId && !byName
                    ? "No topic has id " + state.topicId() + ": topics here are named, not numbered"
                    : "A topic to delete needs either a name or an id, not " + (byId ? "both" : "neither");
            response.responses().add(new DeleteTopicsResponseData.DeletableTopicResult().setName(state.name())
                    .setTopicId(state.topicId()).setErrorCode(error.code()).setErrorMessage(message));
        }
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (String name : names) {
            DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                    .setName(name);
            response.responses().add(result);
            deletions.add(topics.deleteTopic(name).handle((v, e) -> {
                result.setErrorCode(KafkaErrors.code(e)).setErrorMessage(KafkaErrors.messageOrNull(e));
                return null;
            }));
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                .thenApply(v -> new DeleteTopicsResponse(response));
    }
}
