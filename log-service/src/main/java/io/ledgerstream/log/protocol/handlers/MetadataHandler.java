package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: the live brokers, the controller, and each partition's leader and leader epoch as the controller
 * assigned them. A broker holds no copy of a partition (BookKeeper's bookies do), and every live broker can take
 * over any partition; so a partition's replicas and in-sync replicas are the live brokers, its leader first. A
 * partition whose leader is not live (a failover under way) is LEADER_NOT_AVAILABLE. Unknown topics are created when
 * auto-creation is on and the client allows it.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final TopicAdmin topics;
    private final ClusterView cluster;
    private final BrokerIdentity identity;
    private final IntSupplier controllerId;

    public MetadataHandler(TopicAdmin topics, ClusterView cluster, BrokerIdentity identity, IntSupplier controllerId) {
        this.topics = topics;
        this.cluster = cluster;
        this.identity = identity;
        this.controllerId = controllerId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public short maxVersion() {
        return 13;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, MetadataRequest request) {
        MetadataRequestData data = request.data();
        boolean autoCreate = !request.isAllTopics() && data.allowAutoTopicCreation();
        // A topic's name may be null only from v12 on.
        String noName = context.apiVersion() >= 12 ? null : "";
        CompletableFuture<List<CompletableFuture<MetadataResponseData.MetadataResponseTopic>>> described =
                request.isAllTopics()
                        ? topics.topicNames().thenApply(names -> names.stream().map(n -> describe(n, false)).toList())
                        : CompletableFuture.completedFuture(data.topics().stream()
                                .map(t -> Uuid.ZERO_UUID.equals(t.topicId()) ? describe(t.name(), autoCreate)
                                        : describe(t.topicId(), noName))
                                .toList());
        return described.thenCompose(each -> CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    MetadataResponseData response = new MetadataResponseData()
                            .setClusterId(identity.clusterId())
                            .setControllerId(controllerId.getAsInt());
                    cluster.liveBrokers().values().forEach(b -> response.brokers().add(
                            new MetadataResponseData.MetadataResponseBroker().setNodeId(b.id()).setHost(b.host())
                                    .setPort(b.port()).setRack(b.rack().isEmpty() ? null : b.rack())));
                    each.forEach(d -> response.topics().add(d.join()));
                    return new MetadataResponse(response, context.apiVersion());
                }));
    }

    /** A topic asked for by id: never created, and UNKNOWN_TOPIC_ID when no topic has the id (any more). */
    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> describe(Uuid id, String noName) {
        MetadataResponseData.MetadataResponseTopic unknown = new MetadataResponseData.MetadataResponseTopic()
                .setName(noName).setTopicId(id).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        return cluster.topicName(id).thenCompose(name -> name.isEmpty()
                ? CompletableFuture.completedFuture(unknown)
                : describe(name.get(), false).thenApply(topic -> topic.topicId().equals(id) ? topic : unknown));
    }

    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> describe(String name, boolean autoCreate) {
        MetadataResponseData.MetadataResponseTopic topic = new MetadataResponseData.MetadataResponseTopic()
                .setName(name).setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(TopicNames.isInternal(name));
        try {
            TopicNames.validate(name);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(topic.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()));
        }
        return topics.topicCreatingIfAllowed(name, autoCreate)
                .thenCompose(record -> partitions(record, topic.setTopicId(record.id())))
                .exceptionally(e -> topic.setErrorCode(KafkaErrors.forException(e).code()));
    }

    /** The topic's partitions with their leaders, the topic's leaders read once (from ZooKeeper if not cached). */
    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> partitions(
            TopicRecord record, MetadataResponseData.MetadataResponseTopic topic) {
        List<Integer> live = cluster.liveBrokerIds();
        return cluster.currentLeaders(record.name()).thenApply(leaders -> {
            for (int p = 0; p < record.partitions(); p++) {
                int index = p;
                Optional<PartitionLeaders.Leader> leader = leaders
                        .filter(l -> index < l.partitions().size()).map(l -> l.leader(index));
                topic.partitions().add(describe(p, leader, live));
            }
            return topic.setErrorCode(Errors.NONE.code());
        });
    }

    private static MetadataResponseData.MetadataResponsePartition describe(int index,
                                                                          Optional<PartitionLeaders.Leader> leader,
                                                                          List<Integer> live) {
        MetadataResponseData.MetadataResponsePartition partition =
                new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(index)
                        .setOfflineReplicas(List.of());
        if (leader.isEmpty() || !live.contains(leader.get().brokerId())) {
            return partition.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()).setLeaderId(-1)
                    .setLeaderEpoch(leader.map(PartitionLeaders.Leader::epoch).orElse(-1))
                    .setReplicaNodes(live).setIsrNodes(live);
        }
        List<Integer> replicas = new ArrayList<>(List.of(leader.get().brokerId()));
        live.stream().filter(id -> id != leader.get().brokerId()).forEach(replicas::add);
        return partition.setErrorCode(Errors.NONE.code())
                .setLeaderId(leader.get().brokerId())
                .setLeaderEpoch(leader.get().epoch())
                .setReplicaNodes(replicas)
                .setIsrNodes(replicas);
    }
}
