package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

/**
 * CreateTopics: checks name, partition count, replication factor and configs (all of them, also for validate-only
 * requests), then creates the topic in the metadata. A replication factor rf becomes E = Qw = rf and
 * Qa = min(min.insync.replicas, rf).
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final TopicAdmin topics;

    private final Authorization authorization;

    CreateTopicsHandler(TopicAdmin topics, Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public short maxVersion() {
        return 7;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, CreateTopicsRequest request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        List<CompletableFuture<Void>> creating = new ArrayList<>();
        for (CreateTopicsRequestData.CreatableTopic topic : request.data().topics()) {
            CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult()
                    .setName(topic.name()).setTopicId(Uuid.ZERO_UUID).setNumPartitions(-1).setReplicationFactor((short) -1);
            response.topics().add(result);
            creating.add((authorization.createTopic(context, topic.name())
                    ? create(topic, request.data().validateOnly())
                    : CompletableFuture.<Created>failedFuture(new TopicAuthorizationException(Set.of(topic.name()))))
                    .handle((created, error) -> {
                if (error != null) {
                    result.setErrorCode(KafkaErrors.forException(error).code()).setErrorMessage(KafkaErrors.message(error));
                } else {
                    result.setErrorCode(Errors.NONE.code()).setTopicId(created.id()).setNumPartitions(created.partitions())
                            .setReplicationFactor((short) created.replicationFactor());
                    // As in Kafka (v5+), a topic's configs are for those who may describe them.
                    if (context.apiVersion() >= 5
                            && !authorization.topic(context, AclOperation.DESCRIBE_CONFIGS, topic.name())) {
                        result.setTopicConfigErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(creating.toArray(CompletableFuture[]::new))
                .thenApply(v -> new CreateTopicsResponse(response));
    }

    /** What was created; the zero id when only validated, as Kafka answers. */
    private record Created(Uuid id, int partitions, int replicationFactor) {
    }

    private CompletableFuture<Created> create(CreateTopicsRequestData.CreatableTopic topic, boolean validateOnly) {
        BrokerConfig config = topics.config();
        int partitions = topic.numPartitions() == -1 ? config.numPartitions() : topic.numPartitions();
        int factor = topic.replicationFactor() == -1 ? config.defaultReplicationFactor() : topic.replicationFactor();
        try {
            TopicNames.validate(topic.name());
            if (partitions < 1) {
                throw new org.apache.kafka.common.errors.InvalidPartitionsException(
                        "Number of partitions must be at least 1, got " + partitions);
            }
            if (!topic.assignments().isEmpty()) {
                throw new org.apache.kafka.common.errors.InvalidReplicaAssignmentException(
                        "Replica assignments are chosen by BookKeeper; do not give them");
            }
            if (factor < 1) {
                throw new org.apache.kafka.common.errors.InvalidReplicationFactorException("Replication factor must be at least 1, got " + factor);
            }
            Replication replication = Replication.forFactor(factor, Math.min(config.minInsyncReplicas(), factor));
            Map<String, String> overrides = new HashMap<>();
            topic.configs().forEach(c -> overrides.put(c.name(), c.value()));
            topics.topicLogConfig(overrides, replication);
            CompletableFuture<Void> enoughBookies = topics.writableBookies().thenAccept(bookies -> {
                if (replication.writeQuorum() > bookies) {
                    throw new org.apache.kafka.common.errors.InvalidReplicationFactorException("Replication factor " + factor + " is larger than the "
                            + bookies + " writable bookies");
                }
            });
            if (validateOnly) {
                return enoughBookies.thenCompose(v -> topics.topic(topic.name()).handle((existing, error) -> {
                    if (error == null) {
                        throw new io.ledgerstream.log.metadata.TopicExistsException(topic.name());
                    }
                    return new Created(Uuid.ZERO_UUID, partitions, factor);
                }));
            }
            return enoughBookies.thenCompose(v -> topics.createTopic(topic.name(), partitions, replication, overrides))
                    .thenApply(t -> new Created(t.id(), partitions, factor));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
