package io.ledgerstream.log.manager;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.partition.PartitionLogFactory;
import io.ledgerstream.log.concurrent.Futures;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of the cluster as this broker administers them: creates them in the metadata (with their first
 * leaders), deletes them with their data, changes their configuration and partition count, and creates them on
 * them when a Metadata request allows it and {@code auto.create.topics.enable} is on.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class TopicManager implements TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);

    private final MetadataStore metadata;
    private final PartitionLogFactory factory;
    private final BrokerConfig config;
    private final Clock clock;
    private final ClusterView cluster;
    private final LeaderLogs logs;
    private final Supplier<LogConfig> logDefaults;

    /** @param logDefaults the settings of topics without overrides, as in force when asked */
    public TopicManager(MetadataStore metadata, PartitionLogFactory factory, BrokerConfig config, Clock clock,
                        ClusterView cluster, LeaderLogs logs, Supplier<LogConfig> logDefaults) {
        this.metadata = metadata;
        this.factory = factory;
        this.config = config;
        this.clock = clock;
        this.cluster = cluster;
        this.logs = logs;
        this.logDefaults = logDefaults;
    }

    @Override
    public BrokerConfig config() {
        return config;
    }

    @Override
    public LogConfig logDefaults() {
        return logDefaults.get();
    }

    @Override
    public CompletableFuture<Integer> writableBookies() {
        return factory.writableNodes();
    }

    @Override
    public CompletableFuture<TopicRecord> topic(String name) {
        return metadata.topic(name);
    }

    @Override
    public CompletableFuture<List<String>> topicNames() {
        return metadata.topicNames();
    }

    @Override
    public CompletableFuture<TopicRecord> createTopic(String name, int partitions, Replication replication,
                                                      Map<String, String> configOverrides) {
        TopicRecord topic;
        try {
            TopicNames.validate(name);
            Replication chosen = replication != null ? replication : config.defaultReplication();
            topicLogConfig(configOverrides, chosen);
            topic = TopicRecord.create(name, partitions, chosen, configOverrides, clock.millis());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return metadata.createTopic(topic, cluster.placeNewTopic(partitions)).thenApply(v -> topic);
    }

    @Override
    public CompletableFuture<TopicRecord> topicCreatingIfAllowed(String name, boolean allowed) {
        return metadata.topic(name).handle((topic, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(topic);
            }
            Throwable cause = Futures.unwrap(error);
            if (!(cause instanceof UnknownTopicException) || !allowed || !config.autoCreateTopics()) {
                return CompletableFuture.<TopicRecord>failedFuture(cause);
            }
            return createTopicIfAbsent(name, config.numPartitions());
        }).thenCompose(f -> f);
    }

    /** The topic's record, creating it with {@code partitions} and the broker's defaults if it does not exist. */
    public CompletableFuture<TopicRecord> createTopicIfAbsent(String name, int partitions) {
        return createTopicIfAbsent(name, partitions, Map.of());
    }

    /** The topic's record, creating it with {@code partitions} and {@code configs} if it does not exist. */
    public CompletableFuture<TopicRecord> createTopicIfAbsent(String name, int partitions,
                                                              Map<String, String> configs) {
        if (logs.isBeingDeleted(name)) {
            return CompletableFuture.failedFuture(new UnknownTopicException(name + " (being deleted)"));
        }
        return createTopic(name, partitions, null, configs).handle((created, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(created);
            }
            // Another request created it meanwhile.
            return metadata.topic(name);
        }).thenCompose(f -> f);
    }

    /**
     * Deletes a topic: closes its open logs, reads its partitions' segment chains, deletes the metadata, then the
     * ledgers (a ledger that cannot be deleted is only garbage: nothing refers to it any more).
     */
    @Override
    public CompletableFuture<Void> deleteTopic(String name, Uuid id) {
        if (!logs.beginDeletion(name)) {
            return CompletableFuture.failedFuture(new UnknownTopicException(name + " (being deleted)"));
        }
        return metadata.topic(name).exceptionallyCompose(error -> !Uuid.ZERO_UUID.equals(id)
                && Futures.unwrap(error) instanceof UnknownTopicException
                ? CompletableFuture.failedFuture(new UnknownTopicIdException("No topic has the id " + id))
                : CompletableFuture.failedFuture(error)).<Void>thenCompose(topic -> {
            if (!Uuid.ZERO_UUID.equals(id) && !id.equals(topic.id())) {
                throw new UnknownTopicIdException("No topic has the id " + id + "; topic " + name + " has the id "
                        + topic.id());
            }
            List<CompletableFuture<PartitionRecord>> records = new ArrayList<>();
            return logs.closeLogs(name, topic.partitions()).thenCompose(v -> {
                for (int p = 0; p < topic.partitions(); p++) {
                    records.add(metadata.partition(name, p).thenApply(versioned -> versioned.value()));
                }
                return CompletableFuture.allOf(records.toArray(CompletableFuture[]::new));
            }).thenCompose(v -> metadata.deleteTopic(topic)).<Void>thenApply(v -> {
                for (CompletableFuture<PartitionRecord> record : records) {
                    factory.deleteData(record.join()).whenComplete((x, e) -> {
                        if (e != null) {
                            LOG.warn("Deleted topic {} left ledgers behind: {}", name, e.toString());
                        }
                    });
                }
                logs.closeDeleted(name);
                LOG.info("Deleted topic {}", name);
                return null;
            });
        }).whenComplete((v, e) -> logs.endDeletion(name));
    }

    /**
     * Changes a topic's configuration overrides (compare-and-set on the topic record) and applies them to its
     * open logs.
     */
    @Override
    public CompletableFuture<Void> alterTopicConfig(String name, UnaryOperator<Map<String, String>> change,
                                                    boolean validateOnly) {
        return metadata.versionedTopic(name).thenCompose(current -> {
            Map<String, String> overrides = change.apply(new HashMap<>(current.value().configOverrides()));
            LogConfig logConfig = topicLogConfig(overrides, current.value().replication());
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            TopicRecord topic = current.value();
            TopicRecord updated = topic.withConfigOverrides(overrides);
            return metadata.updateTopic(updated, topic.partitions(), current.version()).thenApply(v -> {
                logs.applyConfig(name, topic.partitions(), logConfig);
                return null;
            });
        });
    }

    /**
     * A topic's settings as it is created or changed: the broker's defaults with its overrides, which must name topic
     * configs with valid and consistent values, and a {@code min.insync.replicas} no larger than its replication factor
     * (an ack quorum BookKeeper can form).
     */
    @Override
    public LogConfig topicLogConfig(Map<String, String> overrides, Replication replication) {
        LogConfig logConfig = logDefaults.get().withOverrides(overrides).requireConsistent();
        if (logConfig.minInsyncReplicas() > replication.writeQuorum()) {
            throw new InvalidConfigException(LogConfig.MIN_INSYNC_REPLICAS,
                    logConfig.minInsyncReplicas(), "must not exceed the topic's replication factor "
                            + replication.writeQuorum());
        }
        return logConfig;
    }

    @Override
    public CompletableFuture<Void> createPartitions(String name, int total) {
        return metadata.versionedTopic(name).thenCompose(current -> {
            TopicRecord topic = current.value();
            if (total <= topic.partitions()) {
                throw new InvalidPartitionsException("Topic " + name + " has "
                        + topic.partitions() + " partitions; the new count " + total + " must be larger");
            }
            return metadata.updateTopic(topic.withPartitions(total), topic.partitions(), current.version());
        });
    }
}
