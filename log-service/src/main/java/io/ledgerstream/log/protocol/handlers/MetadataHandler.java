package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Metadata: the live brokers, the controller, and each partition's leader and leader epoch as the controller
 * assigned them. A broker holds no copy of a partition (BookKeeper's bookies do), and every live broker can take
 * over any partition; so a partition's replicas and in-sync replicas are the live brokers, its leader first. A
 * partition whose leader is not live (a failover under way) is LEADER_NOT_AVAILABLE. Unknown topics are created when
 * auto-creation is on and the client allows it.
 *
 * <p>Brokers are given by their addresses on the listener the request arrived on, as in Kafka: a broker without that
 * listener is left out of the brokers, is an offline replica, and a partition it leads has no leader for this
 * client (LISTENER_NOT_FOUND from v6 on, LEADER_NOT_AVAILABLE before).
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final TopicAdmin topics;
    private final ClusterView cluster;
    private final BrokerIdentity identity;
    private final IntSupplier controllerId;
    private final Authorization authorization;

    MetadataHandler(TopicAdmin topics, ClusterView cluster, BrokerIdentity identity, IntSupplier controllerId,
                    Authorization authorization) {
        this.authorization = authorization;
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
        Map<Integer, BrokerRegistration> brokers = cluster.liveBrokers();
        Reach reach = reach(brokers, context);
        CompletableFuture<List<CompletableFuture<MetadataResponseData.MetadataResponseTopic>>> described =
                request.isAllTopics()
                        ? topics.topicNames().thenApply(names -> names.stream()
                                .filter(n -> authorization.topic(context, AclOperation.DESCRIBE, n))
                                .map(n -> describe(n, false, reach)).toList())
                        : CompletableFuture.completedFuture(data.topics().stream()
                                .map(t -> Uuid.ZERO_UUID.equals(t.topicId())
                                        ? describeAuthorized(context, t.name(), autoCreate, reach)
                                        : describe(t.topicId(), noName, reach).thenApply(topic ->
                                        topic.errorCode() == Errors.NONE.code() && !authorization.topic(context,
                                                AclOperation.DESCRIBE, topic.name())
                                                ? refused(noName, t.topicId()) : topic))
                                .toList());
        return described.thenCompose(each -> CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    MetadataResponseData response = new MetadataResponseData()
                            .setClusterId(identity.clusterId())
                            .setControllerId(controllerId.getAsInt());
                    brokers.values().forEach(b -> b.endpoint(context.listenerName()).ifPresent(e ->
                            response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                                    .setNodeId(b.id()).setHost(e.host()).setPort(e.port())
                                    .setRack(b.rack().isEmpty() ? null : b.rack()))));
                    each.forEach(d -> response.topics().add(d.join()));
                    authorizedOperations(context, data, response);
                    return new MetadataResponse(response, context.apiVersion());
                }));
    }

    /**
     * The authorized operations (KIP-430) asked for, as Kafka gives them from v8: the cluster's (up to v10), none
     * without Describe on it; each described topic's.
     */
    private void authorizedOperations(RequestContext context, MetadataRequestData data,
                                      MetadataResponseData response) {
        if (context.apiVersion() < 8) {
            return;
        }
        if (context.apiVersion() <= 10 && data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(authorization.cluster(context, AclOperation.DESCRIBE)
                    ? authorization.authorizedOperations(context, ResourceType.CLUSTER, Resource.CLUSTER_NAME) : 0);
        }
        if (data.includeTopicAuthorizedOperations()) {
            response.topics().forEach(t -> {
                if (t.name() != null && !t.name().isEmpty()
                        && t.errorCode() != Errors.TOPIC_AUTHORIZATION_FAILED.code()) {
                    t.setTopicAuthorizedOperations(authorization.authorizedOperations(context, ResourceType.TOPIC,
                            t.name()));
                }
            });
        }
    }

    /**
     * Which live brokers the client can reach on the listener it came in on, and what a partition whose leader it
     * cannot reach gets.
     *
     * @param live    the live brokers' ids, ascending
     * @param offline the live brokers without the client's listener
     */
    private record Reach(List<Integer> live, List<Integer> offline, Errors leaderUnreachable) {
    }

    private static Reach reach(Map<Integer, BrokerRegistration> brokers, RequestContext context) {
        List<Integer> live = new ArrayList<>();
        List<Integer> offline = new ArrayList<>();
        brokers.values().forEach(b -> {
            live.add(b.id());
            if (b.endpoint(context.listenerName()).isEmpty()) {
                offline.add(b.id());
            }
        });
        return new Reach(live, offline,
                context.apiVersion() >= 6 ? Errors.LISTENER_NOT_FOUND : Errors.LEADER_NOT_AVAILABLE);
    }

    /**
     * A topic asked for by name, with Kafka's checks: TOPIC_AUTHORIZATION_FAILED without Describe on it; created
     * only with Create on the cluster or the topic, and TOPIC_AUTHORIZATION_FAILED if it does not exist without it.
     */
    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> describeAuthorized(
            RequestContext context, String name, boolean autoCreate, Reach reach) {
        if (!authorization.topic(context, AclOperation.DESCRIBE, name)) {
            return CompletableFuture.completedFuture(refused(name, Uuid.ZERO_UUID));
        }
        if (!autoCreate || authorization.createTopic(context, name)) {
            return describe(name, autoCreate, reach);
        }
        return describe(name, false, reach).thenApply(topic ->
                topic.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code() ? refused(name, Uuid.ZERO_UUID) : topic);
    }

    private static MetadataResponseData.MetadataResponseTopic refused(String name, Uuid id) {
        return new MetadataResponseData.MetadataResponseTopic().setName(name).setTopicId(id)
                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
    }

    /** A topic asked for by id: never created, and UNKNOWN_TOPIC_ID when no topic has the id (any more). */
    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> describe(Uuid id, String noName,
                                                                                  Reach reach) {
        MetadataResponseData.MetadataResponseTopic unknown = new MetadataResponseData.MetadataResponseTopic()
                .setName(noName).setTopicId(id).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        return cluster.topicName(id).thenCompose(name -> name.isEmpty()
                ? CompletableFuture.completedFuture(unknown)
                : describe(name.get(), false, reach).thenApply(topic -> topic.topicId().equals(id) ? topic : unknown));
    }

    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> describe(String name, boolean autoCreate,
                                                                                  Reach reach) {
        MetadataResponseData.MetadataResponseTopic topic = new MetadataResponseData.MetadataResponseTopic()
                .setName(name).setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(TopicNames.isInternal(name));
        try {
            TopicNames.validate(name);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(topic.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()));
        }
        return topics.topicCreatingIfAllowed(name, autoCreate)
                .thenCompose(record -> partitions(record, topic.setTopicId(record.id()), reach))
                .exceptionally(e -> topic.setErrorCode(KafkaErrors.forException(e).code()));
    }

    /** The topic's partitions with their leaders, the topic's leaders read once (from ZooKeeper if not cached). */
    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> partitions(
            TopicRecord record, MetadataResponseData.MetadataResponseTopic topic, Reach reach) {
        return cluster.currentLeaders(record.name()).thenApply(leaders -> {
            for (int p = 0; p < record.partitions(); p++) {
                int index = p;
                Optional<PartitionLeaders.Leader> leader = leaders
                        .filter(l -> index < l.partitions().size()).map(l -> l.leader(index));
                topic.partitions().add(describe(p, leader, reach));
            }
            return topic.setErrorCode(Errors.NONE.code());
        });
    }

    private static MetadataResponseData.MetadataResponsePartition describe(int index,
                                                                          Optional<PartitionLeaders.Leader> leader,
                                                                          Reach reach) {
        List<Integer> live = reach.live();
        MetadataResponseData.MetadataResponsePartition partition =
                new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(index)
                        .setOfflineReplicas(reach.offline());
        if (leader.isEmpty() || !live.contains(leader.get().brokerId())) {
            return partition.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()).setLeaderId(-1)
                    .setLeaderEpoch(leader.map(PartitionLeaders.Leader::epoch).orElse(-1))
                    .setReplicaNodes(live).setIsrNodes(live);
        }
        List<Integer> replicas = new ArrayList<>(List.of(leader.get().brokerId()));
        live.stream().filter(id -> id != leader.get().brokerId()).forEach(replicas::add);
        if (reach.offline().contains(leader.get().brokerId())) {
            return partition.setErrorCode(reach.leaderUnreachable().code()).setLeaderId(-1)
                    .setLeaderEpoch(leader.get().epoch())
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas);
        }
        return partition.setErrorCode(Errors.NONE.code())
                .setLeaderId(leader.get().brokerId())
                .setLeaderEpoch(leader.get().epoch())
                .setReplicaNodes(replicas)
                .setIsrNodes(replicas);
    }
}
