package io.ledgerstream.log.broker;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics and open partition logs of one broker: creates topics in the metadata (with their first leaders),
 * opens the log of each partition this broker leads (fencing any earlier writer) in the leader epoch the controller
 * gave it, closes it when the partition moves to another broker, and closes them all on shutdown. A partition this
 * broker does not lead is refused with NOT_LEADER_OR_FOLLOWER.
 *
 * <p>Thread-safe.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final MetadataStore metadata;
    private final PartitionLogFactory factory;
    private final BrokerConfig config;
    private final Clock clock;
    private final ClusterView cluster;
    private final int brokerId;
    private final Map<TopicPartition, CompletableFuture<PartitionLog>> logs = new ConcurrentHashMap<>();
    /** Set by {@link #close}: no log opens after it. */
    private volatile boolean closed;
    /** Set while the ZooKeeper connection is suspended: what this broker knows of leaders may be stale. */
    private volatile boolean suspended;
    /** Topics being deleted: neither opened nor auto-created until the deletion is over. */
    private final java.util.Set<String> deleting = ConcurrentHashMap.newKeySet();

    public LogManager(MetadataStore metadata, PartitionLogFactory factory, BrokerConfig config, Clock clock,
                      ClusterView cluster) {
        this.metadata = metadata;
        this.factory = factory;
        this.config = config;
        this.clock = clock;
        this.cluster = cluster;
        this.brokerId = config.brokerId();
        cluster.onLeadersChanged(this::leadersChanged);
    }

    /** The cluster as this broker sees it. */
    public ClusterView cluster() {
        return cluster;
    }

    public MetadataStore metadata() {
        return metadata;
    }

    /**
     * Creates a topic after checking its name and configuration.
     *
     * @param replication null for the broker's default
     */
    public CompletableFuture<TopicRecord> createTopic(String name, int partitions, Replication replication,
                                                      Map<String, String> configOverrides) {
        TopicRecord topic;
        try {
            TopicNames.validate(name);
            Replication chosen = replication != null ? replication : config.defaultReplication();
            topicLogConfig(configOverrides, chosen);
            topic = new TopicRecord(name, partitions, chosen, configOverrides, clock.millis());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return metadata.createTopic(topic, cluster.placeNewTopic(partitions)).thenApply(v -> topic);
    }

    /**
     * The log of a partition; when the topic does not exist and {@code auto.create.topics.enable} is on, the topic
     * is created first with {@code num.partitions} and the default replication.
     */
    public CompletableFuture<PartitionLog> logCreatingTopic(TopicPartition partition) {
        return log(partition).handle((log, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(log);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (!(cause instanceof UnknownTopicException) || !config.autoCreateTopics()) {
                return CompletableFuture.<PartitionLog>failedFuture(cause);
            }
            return createTopicIfAbsent(partition.topic(), config.numPartitions()).thenCompose(t -> log(partition));
        }).thenCompose(f -> f);
    }

    /** The topic's record, creating the topic with the broker's defaults if auto-creation is on and it is missing. */
    public CompletableFuture<TopicRecord> topicCreatingIfAllowed(String name, boolean allowed) {
        return metadata.topic(name).handle((topic, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(topic);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (!(cause instanceof UnknownTopicException) || !allowed || !config.autoCreateTopics()) {
                return CompletableFuture.<TopicRecord>failedFuture(cause);
            }
            return createTopicIfAbsent(name, config.numPartitions());
        }).thenCompose(f -> f);
    }

    /** The topic's record, creating it with {@code partitions} and the broker's defaults if it does not exist. */
    public CompletableFuture<TopicRecord> createTopicIfAbsent(String name, int partitions) {
        if (deleting.contains(name)) {
            return CompletableFuture.failedFuture(new UnknownTopicException(name + " (being deleted)"));
        }
        return createTopic(name, partitions, null, Map.of()).handle((created, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(created);
            }
            // Another request created it meanwhile.
            return metadata.topic(name);
        }).thenCompose(f -> f);
    }

    /** How many bookies accept writes now. */
    public CompletableFuture<Integer> writableBookies() {
        return factory.writableNodes();
    }

    /** The broker configuration the logs were opened with. */
    public BrokerConfig config() {
        return config;
    }

    /**
     * The log of a partition this broker leads, opened for writing on first use in the assigned leader epoch.
     *
     * @return fails with {@link NotLeaderOrFollowerException} when another broker leads it,
     *     {@link LeaderNotAvailableException} when none does yet, {@link UnknownTopicException} when it does not exist
     */
    public CompletableFuture<PartitionLog> log(TopicPartition partition) {
        if (closed || suspended) {
            return CompletableFuture.failedFuture(new NotLeaderOrFollowerException("Broker " + brokerId
                    + (closed ? " is shutting down" : " has lost touch with ZooKeeper")));
        }
        if (deleting.contains(partition.topic())) {
            return CompletableFuture.failedFuture(new UnknownTopicException(partition + " (being deleted)"));
        }
        return cluster.currentLeader(partition).thenCompose(leader -> {
            if (leader.isEmpty()) {
                return metadata.topic(partition.topic()).thenCompose(topic -> {
                    if (partition.partition() < 0 || partition.partition() >= topic.partitions()) {
                        throw new UnknownTopicException(partition.toString());
                    }
                    throw new LeaderNotAvailableException("No leader is assigned to " + partition + " yet");
                });
            }
            if (leader.get().brokerId() != brokerId) {
                return CompletableFuture.failedFuture(new NotLeaderOrFollowerException("Broker " + brokerId
                        + " does not lead " + partition + "; broker " + leader.get().brokerId() + " does"));
            }
            return openAsLeader(partition, leader.get().epoch());
        });
    }

    /**
     * The log of a partition this broker leads, for a request that names the leader epoch it expects (-1: none).
     *
     * @return fails as {@link #log(TopicPartition)} does, and with {@link FencedLeaderEpochException} when the
     *     client's epoch is older than this leader's, {@link UnknownLeaderEpochException} when it is newer (the
     *     client knows of a leader this broker has not heard of yet)
     */
    public CompletableFuture<PartitionLog> log(TopicPartition partition, int currentLeaderEpoch) {
        return log(partition).thenApply(log -> {
            if (currentLeaderEpoch >= 0 && currentLeaderEpoch < log.leaderEpoch()) {
                throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + partition
                        + " is older than this leader's, " + log.leaderEpoch());
            }
            if (currentLeaderEpoch > log.leaderEpoch()) {
                throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + partition
                        + " is newer than this leader's, " + log.leaderEpoch());
            }
            return log;
        });
    }

    private CompletableFuture<PartitionLog> openAsLeader(TopicPartition partition, int epoch) {
        CompletableFuture<PartitionLog> existing = logs.get(partition);
        if (existing != null && existing.isDone() && !existing.isCompletedExceptionally()) {
            PartitionLog open = existing.join();
            if ((open.failed() || open.leaderEpoch() < epoch) && logs.remove(partition, existing)) {
                // A failed log refuses appends; closing it and opening again recovers the partition. One of an
                // older epoch was opened before this broker was given the partition again.
                LOG.info("Reopening partition log {} in leader epoch {}{}", partition, epoch,
                        open.failed() ? " after a failure" : "");
                open.closeAsync().exceptionally(e -> null);
            }
        }
        CompletableFuture<PartitionLog> log = logs.computeIfAbsent(partition, tp -> open(tp, epoch)
                .thenApply(opened -> stillLed(tp, opened)));
        log.whenComplete((l, e) -> {
            if (e != null) {
                logs.remove(partition, log);
            }
        });
        return log;
    }

    /**
     * A log just opened, if this broker still leads the partition in its epoch; the leaders may have changed while
     * it opened, after the change event found nothing to close.
     */
    private PartitionLog stillLed(TopicPartition partition, PartitionLog opened) {
        PartitionLeaders.Leader leader = cluster.leader(partition).orElse(null);
        if (leader != null && (leader.brokerId() != brokerId || leader.epoch() != opened.leaderEpoch())) {
            opened.closeAsync().exceptionally(x -> null);
            throw new NotLeaderOrFollowerException("Partition " + partition + " moved to broker " + leader.brokerId()
                    + " in epoch " + leader.epoch() + " while broker " + brokerId + " opened it");
        }
        return opened;
    }

    private CompletableFuture<PartitionLog> open(TopicPartition partition, int epoch) {
        return metadata.topic(partition.topic()).thenCompose(topic -> {
            if (partition.partition() < 0 || partition.partition() >= topic.partitions()) {
                throw new UnknownTopicException(partition.toString());
            }
            LogConfig logConfig = config.defaultLogConfig().withOverrides(topic.configOverrides());
            return factory.open(partition, topic.replication(), logConfig, epoch);
        });
    }

    /**
     * Follows a change of a topic's leaders: closes the logs of partitions that moved away (or to a newer epoch),
     * and opens at once those this broker now leads, so that a failover does not wait for the first request.
     */
    private void leadersChanged(String topic) {
        PartitionLeaders leaders = cluster.leaders(topic).orElse(null);
        for (Map.Entry<TopicPartition, CompletableFuture<PartitionLog>> e : logs.entrySet()) {
            TopicPartition tp = e.getKey();
            if (!tp.topic().equals(topic)) {
                continue;
            }
            PartitionLeaders.Leader leader = leaders == null || tp.partition() >= leaders.partitions().size()
                    ? null : leaders.leader(tp.partition());
            CompletableFuture<PartitionLog> open = e.getValue();
            boolean stale = open.isDone() && !open.isCompletedExceptionally()
                    && leader != null && open.join().leaderEpoch() < leader.epoch();
            if ((leader == null || leader.brokerId() != brokerId || stale) && logs.remove(tp, open)) {
                LOG.info("Partition {} is now led by broker {}; closing its log here", tp,
                        leader == null ? "none" : leader.brokerId() + " in epoch " + leader.epoch());
                open.thenCompose(PartitionLog::closeAsync).exceptionally(x -> null);
            }
        }
        openLedPartitions(topic, leaders);
    }

    private void openLedPartitions(String topic, PartitionLeaders leaders) {
        if (leaders == null || deleting.contains(topic)) {
            return;
        }
        for (int p = 0; p < leaders.partitions().size(); p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            if (leaders.leader(p).brokerId() == brokerId && !logs.containsKey(tp)) {
                log(tp).whenComplete((l, e) -> {
                    if (e != null) {
                        LOG.info("Could not open {}, led by this broker: {}", tp, e.toString());
                    }
                });
            }
        }
    }

    /**
     * Closes every open log without waiting, for when this broker may have lost its ZooKeeper session: no write
     * is accepted until the partition is opened again, which needs ZooKeeper (and fences a writer appointed
     * meanwhile, if any).
     */
    public void closeAllLogs(String why) {
        suspended = true;
        if (!logs.isEmpty()) {
            LOG.warn("Closing every partition log: {}", why);
        }
        for (TopicPartition tp : List.copyOf(logs.keySet())) {
            CompletableFuture<PartitionLog> open = logs.remove(tp);
            if (open != null) {
                open.thenCompose(PartitionLog::closeAsync).exceptionally(x -> null);
            }
        }
    }

    /** Serves again after a reconnection to ZooKeeper and opens the logs of every partition this broker leads. */
    public void openLedPartitions() {
        suspended = false;
        for (String topic : cluster.topicsWithLeaders()) {
            openLedPartitions(topic, cluster.leaders(topic).orElse(null));
        }
    }

    /**
     * Deletes a topic: closes its open logs, reads its partitions' segment chains, deletes the metadata, then the
     * ledgers (a ledger that cannot be deleted is only garbage: nothing refers to it any more).
     */
    public CompletableFuture<Void> deleteTopic(String name) {
        if (!deleting.add(name)) {
            return CompletableFuture.failedFuture(new UnknownTopicException(name + " (being deleted)"));
        }
        return metadata.topic(name).<Void>thenCompose(topic -> {
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            List<CompletableFuture<io.ledgerstream.log.metadata.PartitionRecord>> records = new ArrayList<>();
            for (int p = 0; p < topic.partitions(); p++) {
                TopicPartition tp = new TopicPartition(name, p);
                CompletableFuture<PartitionLog> open = logs.remove(tp);
                if (open != null) {
                    closing.add(open.thenCompose(PartitionLog::closeAsync).exceptionally(e -> null));
                }
            }
            return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).thenCompose(v -> {
                for (int p = 0; p < topic.partitions(); p++) {
                    records.add(metadata.partition(name, p).thenApply(versioned -> versioned.value()));
                }
                return CompletableFuture.allOf(records.toArray(CompletableFuture[]::new));
            }).thenCompose(v -> metadata.deleteTopic(name)).<Void>thenApply(v -> {
                for (CompletableFuture<io.ledgerstream.log.metadata.PartitionRecord> record : records) {
                    factory.deleteData(record.join()).whenComplete((x, e) -> {
                        if (e != null) {
                            LOG.warn("Deleted topic {} left ledgers behind: {}", name, e.toString());
                        }
                    });
                }
                // An open that was already under way when the deletion began may have finished since.
                logs.keySet().removeIf(tp -> {
                    if (!tp.topic().equals(name)) {
                        return false;
                    }
                    CompletableFuture<PartitionLog> late = logs.get(tp);
                    if (late != null) {
                        late.thenCompose(PartitionLog::closeAsync).exceptionally(e -> null);
                    }
                    return true;
                });
                LOG.info("Deleted topic {}", name);
                return null;
            });
        }).whenComplete((v, e) -> deleting.remove(name));
    }

    /**
     * Changes a topic's configuration overrides (compare-and-set on the topic record) and applies them to its
     * open logs.
     */
    public CompletableFuture<Void> alterTopicConfig(String name,
                                                    java.util.function.UnaryOperator<Map<String, String>> change,
                                                    boolean validateOnly) {
        return metadata.versionedTopic(name).thenCompose(current -> {
            Map<String, String> overrides = change.apply(new java.util.HashMap<>(current.value().configOverrides()));
            LogConfig logConfig = topicLogConfig(overrides, current.value().replication());
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            TopicRecord topic = current.value();
            TopicRecord updated = new TopicRecord(name, topic.partitions(), topic.replication(), overrides,
                    topic.createdAtMs());
            return metadata.updateTopic(updated, topic.partitions(), current.version()).thenApply(v -> {
                for (int p = 0; p < topic.partitions(); p++) {
                    CompletableFuture<PartitionLog> open = logs.get(new TopicPartition(name, p));
                    if (open != null) {
                        open.thenAccept(log -> log.updateConfig(logConfig));
                    }
                }
                return null;
            });
        });
    }

    /**
     * A topic's settings as it is created or changed: the broker's defaults with its overrides, which must name topic
     * configs with valid and consistent values, and a {@code min.insync.replicas} no larger than its replication factor
     * (an ack quorum BookKeeper can form).
     */
    public LogConfig topicLogConfig(Map<String, String> overrides, Replication replication) {
        LogConfig logConfig = config.defaultLogConfig().withOverrides(overrides).requireConsistent();
        if (logConfig.minInsyncReplicas() > replication.writeQuorum()) {
            throw new InvalidConfigException(LogConfig.MIN_INSYNC_REPLICAS,
                    logConfig.minInsyncReplicas(), "must not exceed the topic's replication factor "
                            + replication.writeQuorum());
        }
        return logConfig;
    }

    /** Raises a topic's partition count to {@code total}. */
    public CompletableFuture<Void> createPartitions(String name, int total) {
        return metadata.versionedTopic(name).thenCompose(current -> {
            TopicRecord topic = current.value();
            if (total <= topic.partitions()) {
                throw new org.apache.kafka.common.errors.InvalidPartitionsException("Topic " + name + " has "
                        + topic.partitions() + " partitions; the new count " + total + " must be larger");
            }
            return metadata.updateTopic(new TopicRecord(name, total, topic.replication(), topic.configOverrides(),
                    topic.createdAtMs()), topic.partitions(), current.version());
        });
    }

    /** Runs retention on every open log. */
    public CompletableFuture<Integer> enforceRetention() {
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            if (log.isDone() && !log.isCompletedExceptionally()) {
                runs.add(log.join().enforceRetention().exceptionally(e -> {
                    LOG.warn("Retention failed on {}: {}", log.join().topicPartition(), e.toString());
                    return 0;
                }));
            }
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .thenApply(v -> runs.stream().mapToInt(CompletableFuture::join).sum());
    }

    /**
     * Runs compaction on every open log whose topic compacts, one log after another so that one key map at a time
     * takes memory.
     *
     * @return records removed
     */
    public CompletableFuture<Long> compact() {
        CompletableFuture<Long> removed = CompletableFuture.completedFuture(0L);
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            if (!log.isDone() || log.isCompletedExceptionally() || !log.join().config().cleanupPolicy().compacts()) {
                continue;
            }
            PartitionLog partition = log.join();
            removed = removed.thenCompose(n -> partition.compact()
                    .thenApply(stats -> n + stats.recordsRemoved())
                    .exceptionally(e -> {
                        LOG.warn("Compaction failed on {}: {}", partition.topicPartition(), e.toString());
                        return n;
                    }));
        }
        return removed;
    }

    /**
     * Forgets, in every open log, the idempotent producers silent for {@code producer.id.expiration.ms}.
     *
     * @return producers forgotten
     */
    public int expireProducers() {
        int expired = 0;
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            if (log.isDone() && !log.isCompletedExceptionally()) {
                expired += log.join().expireProducers(config.producerIdExpirationMs());
            }
        }
        return expired;
    }

    /** Closes every open log, waiting for appends in flight; no log opens afterwards. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            closing.add(log.thenCompose(PartitionLog::closeAsync).exceptionally(e -> {
                LOG.warn("Closing a partition log failed: {}", e.toString());
                return null;
            }));
        }
        logs.clear();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Not every partition log closed cleanly: {}", e.toString());
        }
    }
}
