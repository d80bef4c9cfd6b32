package io.ledgerstream.log.cluster;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.PartitionLeaders.Leader;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.metadata.Versioned;
import io.ledgerstream.log.metrics.ControllerMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's controller: one broker at a time, elected through ZooKeeper (Curator's {@link LeaderLatch}),
 * assigns every partition a leader among the live brokers.
 * <ul>
 *   <li>A partition whose leader is not live (or that has none) gets the live broker leading the fewest
 *       partitions.</li>
 *   <li>Then leaders move from the busiest broker to the least busy until no broker leads more than one partition
 *       more than another, so a broker that joins takes its share once it has been live for the balance delay (a
 *       broker that comes and goes does not pull leaders back and forth).</li>
 *   <li>Every move bumps the leader epoch above both the old assignment's and the partition's last writer's.</li>
 *   <li>Assignments are written compare-and-set per topic; a lost race runs the whole pass again.</li>
 * </ul>
 * A pass runs when this broker is elected, when a broker registers or goes, and when a topic appears, changes or
 * goes. Passes run one at a time on the controller's own thread; changes meanwhile coalesce into one more pass.
 * Leader elections an administrator asks for ({@link #elect}) run on the same thread, between passes.
 *
 * <p>Thread-safe without a lock: passes and reads of the election run on the controller's single thread, the queued
 * pass is an atomic flag, and the controller's id, which request handlers read, is volatile.
 */
@ThreadSafe
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    private static final long RETRY_MS = 500;
    private static final long CLOSE_TIMEOUT_MS = 10_000;
    /** How many times an election runs again after losing a race with another metadata update. */
    private static final int ELECTION_TRIES = 3;

    private final MetadataStore metadata;
    private final ClusterView view;
    private final int brokerId;
    private final long balanceDelayMs;
    private final LeaderLatch latch;
    private final CuratorCache topics;
    private final ControllerMetrics metrics;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledgerstream-controller");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean passQueued = new AtomicBoolean();
    /** Passes on broker changes from the view; removed on close. */
    private final Runnable brokersChanged = () -> {
        requestPass();
        refreshControllerId();
    };
    /** Set by {@link #close}: no pass or election read starts after it. */
    private volatile boolean closed;
    /** The controller's id as last read from the election; -1 when unknown. Read by request handlers. */
    private volatile int knownControllerId = -1;

    private Controller(MetadataStore metadata, ClusterView view, int brokerId, long balanceDelayMs,
                       ControllerMetrics metrics) {
        this.metrics = metrics;
        this.metadata = metadata;
        this.view = view;
        this.brokerId = brokerId;
        this.balanceDelayMs = balanceDelayMs;
        this.latch = metadata.controllerLatch(brokerId);
        this.topics = metadata.cache(metadata.topicsPath());
    }

    /**
     * Joins the controller election; this broker acts as controller whenever it wins.
     *
     * @param balanceDelayMs how long a broker must have been live before leaders move to it to even out the load
     *                       (a partition without a live leader goes to any live broker at once)
     * @param metrics        where the leader moves of this controller are counted
     */
    public static Controller start(MetadataStore metadata, ClusterView view, int brokerId, long balanceDelayMs,
                                   ControllerMetrics metrics) throws Exception {
        Controller controller = new Controller(metadata, view, brokerId, balanceDelayMs, metrics);
        metrics.watchActive(controller::isController);
        controller.latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                LOG.info("Broker {} is the controller", brokerId);
                controller.knownControllerId = brokerId;
                controller.requestPass();
            }

            @Override
            public void notLeader() {
                LOG.info("Broker {} is no longer the controller", brokerId);
                controller.refreshControllerId();
            }
        });
        view.onBrokersChanged(controller.brokersChanged);
        // Passes follow topic records only (depth 1); partition records, which change with every segment, are
        // cached too but ignored.
        controller.topics.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, node) -> {
                    String path = (node != null ? node : before).getPath();
                    if (path.split("/").length == metadata.topicsPath().split("/").length + 1) {
                        controller.requestPass();
                    }
                })
                .build());
        controller.topics.start();
        controller.latch.start();
        controller.refreshControllerId();
        return controller;
    }

    /** Whether this broker is the controller now; never blocks. */
    public boolean isController() {
        return !closed && latch.hasLeadership();
    }

    /** The id of the controller as this broker last knew it, or -1; never blocks. */
    public int controllerId() {
        return knownControllerId;
    }

    /** Reads who won the election, on the controller's thread (it blocks on ZooKeeper). */
    private void refreshControllerId() {
        runAfter(0, () -> {
            try {
                String id = latch.getLeader().getId();
                knownControllerId = id.isEmpty() ? -1 : Integer.parseInt(id);
            } catch (Exception e) {
                LOG.debug("Could not read the controller's id: {}", e.toString());
            }
        });
    }

    private void requestPass() {
        if (passQueued.compareAndSet(false, true)) {
            runAfter(0, this::pass);
        }
    }

    /**
     * Runs {@code task} on the controller's thread after {@code delayMs}; nothing once the controller is closed (an
     * event may still arrive from ZooKeeper while it closes).
     */
    private void runAfter(long delayMs, Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    private void pass() {
        passQueued.set(false);
        if (closed || !latch.hasLeadership()) {
            return;
        }
        try {
            assignLeaders();
        } catch (RuntimeException e) {
            if (closed) {
                // Closing interrupted the pass; the next controller runs its own.
                LOG.debug("Pass ended by closing the controller: {}", e.toString());
                return;
            }
            Throwable cause = Futures.unwrap(e);
            if (!(cause instanceof MetadataConflictException)) {
                LOG.warn("Assigning partition leaders failed; trying again: {}", cause.toString());
            }
            if (passQueued.compareAndSet(false, true)) {
                runAfter(RETRY_MS, this::pass);
            }
        }
    }

    /** One pass over every topic: blocking ZooKeeper calls on the controller's own thread. */
    private void assignLeaders() {
        List<Integer> live = view.liveBrokerIds();
        if (live.isEmpty()) {
            return;
        }
        Assignments assignments = readAssignments();
        Map<String, PartitionLeaders> wanted = assignments.wanted();
        LeaderPlacement.placeOrphans(wanted, live, tp -> true);
        List<Integer> settled = live.stream().filter(id -> view.liveForMs(id) >= balanceDelayMs).toList();
        if (!settled.isEmpty()) {
            LeaderPlacement.balance(wanted, settled, tp -> true);
        }
        if (settled.size() < live.size()) {
            long wait = live.stream().mapToLong(id -> balanceDelayMs - view.liveForMs(id)).max().orElse(0);
            runAfter(Math.max(1, wait), this::requestPass);
        }
        write(assignments);
        for (String stale : assignments.withLeaders()) {
            if (!assignments.names().contains(stale)) {
                metadata.deleteLeaders(stale);
            }
        }
    }

    /**
     * Runs a leader election an administrator asked for (see {@link LeaderElection}) on the controller's thread,
     * between passes.
     * <ol>
     *   <li>Fail with NOT_CONTROLLER unless this broker is the controller.</li>
     *   <li>Read every topic's leaders and partition count; work out the new leaders.</li>
     *   <li>Write each changed topic's leaders compare-and-set, with bumped epochs; the brokers follow as after a
     *       pass. A lost race (a topic changed meanwhile) runs the election again, up to {@link #ELECTION_TRIES}
     *       times, then fails with the conflict.</li>
     * </ol>
     *
     * @param partitions the partitions to elect leaders for; {@code null} for every partition
     * @return the outcome for each partition
     */
    public CompletableFuture<Map<TopicPartition, ElectionOutcome>> elect(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        CompletableFuture<Map<TopicPartition, ElectionOutcome>> result = new CompletableFuture<>();
        Runnable election = () -> {
            try {
                result.complete(runElection(type, partitions));
            } catch (RuntimeException e) {
                result.completeExceptionally(Futures.unwrap(e));
            }
        };
        try {
            thread.execute(election);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(notController());
        }
        return result;
    }

    private Map<TopicPartition, ElectionOutcome> runElection(ElectionType type, Set<TopicPartition> partitions) {
        // Partitions a lost race left elected (topics are written one by one) are still reported as elected.
        Set<TopicPartition> electedBefore = new java.util.HashSet<>();
        for (int attempt = 1; ; attempt++) {
            if (closed || !latch.hasLeadership()) {
                throw notController();
            }
            Assignments assignments = readAssignments();
            Map<TopicPartition, ElectionOutcome> outcomes = LeaderElection.run(type, partitions,
                    assignments.wanted(), assignments.partitions(), view.liveBrokerIds());
            electedBefore.forEach(tp -> outcomes.replace(tp, ElectionOutcome.NOT_NEEDED, ElectionOutcome.ELECTED));
            outcomes.forEach((tp, outcome) -> {
                if (outcome == ElectionOutcome.ELECTED) {
                    electedBefore.add(tp);
                }
            });
            try {
                write(assignments);
                LOG.info("{} leader election for {}: {}", type, partitions == null ? "every partition" : partitions,
                        outcomes.entrySet().stream().filter(e -> e.getValue() == ElectionOutcome.ELECTED)
                                .map(e -> e.getKey().toString()).toList() + " elected");
                return outcomes;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof MetadataConflictException) || attempt >= ELECTION_TRIES) {
                    throw e;
                }
            }
        }
    }

    private NotControllerException notController() {
        int known = knownControllerId;
        return new NotControllerException("Broker " + brokerId + " is not the controller"
                + (known >= 0 && known != brokerId ? "; broker " + known + " is" : ""));
    }

    /**
     * Every topic's leaders as stored, what the controller wants them to be (a copy, padded with unassigned
     * leaders up to the partition count), the partition counts, the topics that have leaders stored and the names
     * of every topic (those unreadable in this pass included).
     */
    private record Assignments(Map<String, Versioned<PartitionLeaders>> current, Map<String, PartitionLeaders> wanted,
                               Map<String, Integer> partitions, List<String> withLeaders, List<String> names) {
    }

    /** Reads every topic's leaders: blocking ZooKeeper calls, on the controller's thread. */
    private Assignments readAssignments() {
        Map<String, Versioned<PartitionLeaders>> current = new TreeMap<>();
        Map<String, PartitionLeaders> wanted = new TreeMap<>();
        Map<String, Integer> partitions = new TreeMap<>();
        // Leaders first, names second: a topic created in between is then never taken for a deleted one.
        List<String> withLeaders = metadata.topicsWithLeaders().join();
        List<String> names = metadata.topicNames().join();
        for (String name : names) {
            TopicRecord topic;
            Versioned<PartitionLeaders> assigned;
            try {
                topic = metadata.topic(name).join();
                assigned = leadersOf(name);
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof UnknownTopicException)) {
                    // One unreadable topic must not hold up the others' failover.
                    LOG.warn("Skipping topic {} in this pass: {}", name, e.getCause().toString());
                }
                continue;
            }
            current.put(name, assigned);
            partitions.put(name, topic.partitions());
            List<Leader> leaders = new ArrayList<>(assigned == null ? List.of() : assigned.value().partitions());
            while (leaders.size() < topic.partitions()) {
                leaders.add(new Leader(-1, 0));
            }
            wanted.put(name, new PartitionLeaders(leaders));
        }
        return new Assignments(current, wanted, partitions, withLeaders, names);
    }

    /** Writes, compare-and-set, the leaders of each topic whose wanted leaders differ from those stored. */
    private void write(Assignments assignments) {
        List<Integer> live = view.liveBrokerIds();
        for (Map.Entry<String, PartitionLeaders> topic : assignments.wanted().entrySet()) {
            String name = topic.getKey();
            Versioned<PartitionLeaders> before = assignments.current().get(name);
            PartitionLeaders after = withEpochs(name, before == null ? null : before.value(), topic.getValue());
            if (before == null || !before.value().equals(after)) {
                try {
                    metadata.setLeaders(name, after, before == null ? -1 : before.version()).join();
                    countMoves(before == null ? null : before.value(), after, live);
                    LOG.info("Leaders of {}: {}", name, describe(after));
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof UnknownTopicException)) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Counts the partitions whose leader changed from {@code before} to {@code after}, by why. */
    private void countMoves(PartitionLeaders before, PartitionLeaders after, List<Integer> live) {
        int placed = 0;
        int failedOver = 0;
        int balanced = 0;
        for (int p = 0; p < after.partitions().size(); p++) {
            int to = after.leader(p).brokerId();
            int from = before != null && p < before.partitions().size() ? before.leader(p).brokerId() : -1;
            if (to < 0 || to == from) {
                continue;
            }
            if (from < 0) {
                placed++;
            } else if (!live.contains(from)) {
                failedOver++;
            } else {
                balanced++;
            }
        }
        metrics.moved(ControllerMetrics.Move.NEW, placed);
        metrics.moved(ControllerMetrics.Move.FAILOVER, failedOver);
        metrics.moved(ControllerMetrics.Move.BALANCE, balanced);
    }

    private Versioned<PartitionLeaders> leadersOf(String topic) {
        try {
            return metadata.leaders(topic).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnknownTopicException) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The wanted leaders with epochs: unchanged where the broker is unchanged, else above the old epoch and the
     * partition's last writer epoch.
     */
    private PartitionLeaders withEpochs(String topic, PartitionLeaders before, PartitionLeaders wanted) {
        List<Leader> result = new ArrayList<>();
        for (int p = 0; p < wanted.partitions().size(); p++) {
            Leader next = wanted.leader(p);
            Leader old = before != null && p < before.partitions().size() ? before.leader(p) : null;
            if (old != null && old.brokerId() == next.brokerId()) {
                result.add(old);
                continue;
            }
            long writerEpoch = metadata.partition(topic, p).join().value().writerEpoch();
            int epoch = (int) Math.max(old == null ? 0 : old.epoch(), writerEpoch) + 1;
            result.add(new Leader(next.brokerId(), epoch));
        }
        return new PartitionLeaders(result);
    }

    private static String describe(PartitionLeaders leaders) {
        Map<Integer, String> byPartition = new HashMap<>();
        for (int p = 0; p < leaders.partitions().size(); p++) {
            byPartition.put(p, leaders.leader(p).brokerId() + "@" + leaders.leader(p).epoch());
        }
        return byPartition.toString();
    }

    /**
     * Stops and leaves the election. Events that still arrive afterwards start nothing.
     * <ol>
     *   <li>Stop taking events: no pass is asked for from here on, this controller's listener leaves the view and
     *       topics are no longer followed.</li>
     *   <li>Stop the controller's thread: passes waiting are dropped, one under way is interrupted and waited for
     *       (bounded), so none writes after the next step.</li>
     *   <li>Leave the election; another broker's controller takes over.</li>
     * </ol>
     */
    @Override
    public void close() throws Exception {
        closed = true;
        view.removeBrokersListener(brokersChanged);
        try {
            topics.close();
            thread.shutdownNow();
            if (!thread.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("The controller's thread of broker {} was still in a pass {} ms after it was stopped",
                        brokerId, CLOSE_TIMEOUT_MS);
            }
        } finally {
            latch.close();
        }
    }
}
