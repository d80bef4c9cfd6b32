package io.ledgerstream.log.manager;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogFactory;
import io.ledgerstream.log.partition.PartitionLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open partition logs of one broker, following leadership: opens the log of each partition this broker leads
 * (fencing any earlier writer) in the leader epoch the controller gave it, closes it when the partition moves to
 * another broker, and closes them all on shutdown. A partition this broker does not lead is refused with
 * NOT_LEADER_OR_FOLLOWER.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class LeaderLogs implements PartitionLogs, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLogs.class);
    /** The first and the longest delay before a led partition that failed to open is tried again. */
    private static final long OPEN_RETRY_FIRST_MS = 500;
    private static final long OPEN_RETRY_MAX_MS = 30_000;

    private final MetadataStore metadata;
    private final PartitionLogFactory factory;
    private final BrokerConfig config;
    private final ClusterView cluster;
    private final Supplier<LogConfig> logDefaults;
    private final int brokerId;
    private final Map<TopicPartition, CompletableFuture<PartitionLog>> logs = new ConcurrentHashMap<>();
    /** Set by {@link #close}: no log opens after it. */
    private volatile boolean closed;
    /** Set while the ZooKeeper connection is suspended: what this broker knows of leaders may be stale. */
    private volatile boolean suspended;
    /** Topics being deleted: neither opened nor auto-created until the deletion is over. */
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();

    /**
     * @param logDefaults the settings of topics without overrides, as in force when asked (dynamic broker settings
     *                    change them; {@link #applyDefaults} then reaches the open logs)
     */
    public LeaderLogs(MetadataStore metadata, PartitionLogFactory factory, BrokerConfig config, ClusterView cluster,
                      Supplier<LogConfig> logDefaults) {
        this.metadata = metadata;
        this.factory = factory;
        this.config = config;
        this.cluster = cluster;
        this.logDefaults = logDefaults;
        this.brokerId = config.brokerId();
        cluster.onLeadersChanged(this::leadersChanged);
    }

    @Override
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

    @Override
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
            if (!open.failed() && open.leaderEpoch() >= epoch) {
                // The usual case, on every read and append: the log is open in this epoch.
                return existing;
            }
            if ((open.failed() || open.leaderEpoch() < epoch) && logs.remove(partition, existing)) {
                // A failed log refuses appends; closing it and opening again recovers the partition. One of an
                // older epoch was opened before this broker was given the partition again.
                LOG.info("Reopening partition log {} in leader epoch {}{}", partition, epoch,
                        open.failed() ? " after a failure" : "");
                closeLogged(existing);
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
            closeLogged(CompletableFuture.completedFuture(opened));
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
            LogConfig logConfig = logDefaults.get().withOverrides(topic.configOverrides());
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
                closeLogged(open);
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
                openLed(tp, 0);
            }
        }
    }

    /**
     * Opens the log of a partition this broker leads. A failure (too few bookies while a cluster restarts, say) is
     * tried again after a growing delay, for as long as the partition is led here and not open, so that it does not
     * wait for a client's request, nor keep the broker from being ready.
     */
    private void openLed(TopicPartition tp, int attempt) {
        log(tp).whenComplete((l, e) -> {
            if (e == null || closed) {
                return;
            }
            long delayMs = Math.min(OPEN_RETRY_MAX_MS, OPEN_RETRY_FIRST_MS << Math.min(attempt, 10));
            LOG.info("Could not open {}, led by this broker (attempt {}); trying again in {} ms: {}", tp,
                    attempt + 1, delayMs, e.toString());
            CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() -> {
                boolean ledHere = cluster.leader(tp).map(leader -> leader.brokerId() == brokerId).orElse(false);
                if (!closed && !suspended && ledHere && !deleting.contains(tp.topic()) && !logs.containsKey(tp)) {
                    openLed(tp, attempt + 1);
                }
            });
        });
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
                closeLogged(open);
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
     * Marks a topic as being deleted: until {@link #endDeletion}, its partitions are neither opened nor
     * auto-created.
     *
     * @return false if a deletion of it is under way already
     */
    boolean beginDeletion(String topic) {
        return deleting.add(topic);
    }

    /** Closes the open logs of a topic's partitions. */
    CompletableFuture<Void> closeLogs(String topic, int partitions) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            CompletableFuture<PartitionLog> open = logs.remove(new TopicPartition(topic, p));
            if (open != null) {
                closing.add(closeLogged(open));
            }
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    /** Closes logs of the deleted topic that an open already under way when the deletion began has opened since. */
    void closeDeleted(String topic) {
        logs.keySet().removeIf(tp -> {
            if (!tp.topic().equals(topic)) {
                return false;
            }
            CompletableFuture<PartitionLog> late = logs.get(tp);
            if (late != null) {
                closeLogged(late);
            }
            return true;
        });
    }

    void endDeletion(String topic) {
        deleting.remove(topic);
    }

    boolean isBeingDeleted(String topic) {
        return deleting.contains(topic);
    }

    /**
     * Applies a topic's new settings to its open logs (and to those opening, once open).
     *
     * @return completes once the logs open or opening have them (a log that fails to open counts as done)
     */
    CompletableFuture<Void> applyConfig(String topic, int partitions, LogConfig logConfig) {
        List<CompletableFuture<Void>> applied = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            CompletableFuture<PartitionLog> open = logs.get(new TopicPartition(topic, p));
            if (open != null) {
                applied.add(open.thenAccept(log -> log.updateConfig(logConfig)).exceptionally(e -> null));
            }
        }
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new));
    }

    /**
     * Applies the topic defaults in force now to every open log, with its topic's overrides over them: after a
     * change of the dynamic broker settings. A topic that cannot be read keeps its settings (logged).
     *
     * @return completes once every open log has them
     */
    public CompletableFuture<Void> applyDefaults() {
        LogConfig defaults = logDefaults.get();
        Set<String> topics = new java.util.TreeSet<>();
        logs.keySet().forEach(tp -> topics.add(tp.topic()));
        List<CompletableFuture<Void>> applied = new ArrayList<>();
        for (String topic : topics) {
            applied.add(metadata.topic(topic)
                    .thenCompose(record -> applyConfig(topic, record.partitions(),
                            defaults.withOverrides(record.configOverrides())))
                    .exceptionally(e -> {
                        LOG.warn("New broker defaults not applied to {}: {}", topic, e.toString());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new));
    }

    /**
     * What this broker leads now, as the leaders it last heard of say.
     *
     * @param led      partitions assigned to this broker
     * @param open     of those, the ones whose log is open here
     * @param waiting  one led partition whose log is not open (yet), or null when all are
     */
    public record Leadership(int led, int open, TopicPartition waiting) {
    }

    /** The partitions this broker leads and how many of their logs are open; reads memory only. */
    public Leadership leadership() {
        int led = 0;
        int open = 0;
        TopicPartition waiting = null;
        for (String topic : cluster.topicsWithLeaders()) {
            PartitionLeaders leaders = cluster.leaders(topic).orElse(null);
            if (leaders == null || deleting.contains(topic)) {
                // A topic being deleted is not opened: it does not count.
                continue;
            }
            for (int p = 0; p < leaders.partitions().size(); p++) {
                if (leaders.leader(p).brokerId() != brokerId) {
                    continue;
                }
                led++;
                TopicPartition tp = new TopicPartition(topic, p);
                CompletableFuture<PartitionLog> log = logs.get(tp);
                if (log != null && log.isDone() && !log.isCompletedExceptionally()) {
                    open++;
                } else if (waiting == null) {
                    waiting = tp;
                }
            }
        }
        return new Leadership(led, open, waiting);
    }

    /** The logs open now. */
    List<PartitionLog> openLogs() {
        List<PartitionLog> open = new ArrayList<>();
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            if (log.isDone() && !log.isCompletedExceptionally()) {
                open.add(log.join());
            }
        }
        return open;
    }

    /** Closes a log once it is open; a failure to close is logged (the next open recovers the partition). */
    private static CompletableFuture<Void> closeLogged(CompletableFuture<PartitionLog> log) {
        return log.thenCompose(PartitionLog::closeAsync).exceptionally(e -> {
            LOG.warn("Closing a partition log failed: {}", e.toString());
            return null;
        });
    }

    /**
     * Drops every open log without closing it, as if the process died ({@link PartitionLog#halt}); no log opens
     * afterwards. For a broker halted in fault tests.
     */
    public void halt() {
        closed = true;
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            log.thenAccept(PartitionLog::halt);
        }
        logs.clear();
    }

    /** Closes every open log, waiting for appends in flight; no log opens afterwards. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (CompletableFuture<PartitionLog> log : logs.values()) {
            closing.add(closeLogged(log));
        }
        logs.clear();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Not every partition log closed cleanly: {}", e.toString());
        }
    }
}
