package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics by name or by id: the topic's logs are closed, its metadata deleted, then its ledgers. An id no topic
 * has (any more) is UNKNOWN_TOPIC_ID.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final TopicAdmin topics;
    private final ClusterView cluster;

    private final Authorization authorization;

    DeleteTopicsHandler(TopicAdmin topics, ClusterView cluster, Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
        this.cluster = cluster;
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
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (String name : request.data().topicNames()) {
            deletions.add(delete(context, result(response, name, Uuid.ZERO_UUID), name, Uuid.ZERO_UUID));
        }
        for (DeleteTopicsRequestData.DeleteTopicState state : request.data().topics()) {
            boolean byId = !Uuid.ZERO_UUID.equals(state.topicId());
            boolean byName = state.name() != null;
            DeleteTopicsResponseData.DeletableTopicResult result = result(response, state.name(), state.topicId());
            if (byName == byId) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(
                        "A topic to delete needs either a name or an id, not " + (byId ? "both" : "neither"));
            } else if (byName) {
                deletions.add(delete(context, result, state.name(), Uuid.ZERO_UUID));
            } else {
                deletions.add(cluster.topicName(state.topicId()).thenCompose(name -> {
                    if (name.isEmpty()) {
                        result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                                .setErrorMessage("No topic has the id " + state.topicId());
                        return CompletableFuture.completedFuture(null);
                    }
                    if (!authorization.topic(context, AclOperation.DESCRIBE, name.get())) {
                        // As Kafka: a topic asked for by id is not named to whom may not describe it.
                        result.setName(null).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                                .setErrorMessage("Not authorized to describe the topic with id " + state.topicId());
                        return CompletableFuture.completedFuture(null);
                    }
                    return delete(context, result.setName(name.get()), name.get(), state.topicId());
                }));
            }
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                .thenApply(v -> new DeleteTopicsResponse(response));
    }

    private static DeleteTopicsResponseData.DeletableTopicResult result(DeleteTopicsResponseData response,
                                                                        String name, Uuid id) {
        DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                .setName(name).setTopicId(id);
        response.responses().add(result);
        return result;
    }

    /**
     * Deletes a topic the request may delete (Delete on the topic; TOPIC_AUTHORIZATION_FAILED otherwise), by name or
     * (when {@code id} is not zero) only if that name still has that id.
     */
    private CompletableFuture<Void> delete(RequestContext context, DeleteTopicsResponseData.DeletableTopicResult result,
                                           String name, Uuid id) {
        CompletableFuture<Void> deleted = authorization.topic(context, AclOperation.DELETE, name)
                ? topics.deleteTopic(name, id)
                : CompletableFuture.failedFuture(new TopicAuthorizationException(Set.of(name)));
        return deleted.handle((v, e) -> {
            result.setErrorCode(KafkaErrors.code(e)).setErrorMessage(KafkaErrors.messageOrNull(e));
            return null;
        });
    }
}
