package io.ledgerstream.log.cluster;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.UnknownTopicException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one broker knows of the cluster: the live brokers, every topic's partition leaders and topic ids, kept
 * current from ZooKeeper by watches. Listeners hear of changes on Curator's event thread and must not block. Once
 * the view is closed no listener is called any more, even for a change ZooKeeper reported just before; the view
 * keeps what it last knew.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class ClusterView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

    private final MetadataStore metadata;
    private final CuratorCache brokerCache;
    private final CuratorCache leaderCache;
    private final CuratorCache topicIdCache;
    private final ConcurrentSkipListMap<Integer, BrokerRegistration> live = new ConcurrentSkipListMap<>();
    /** When this view first saw each live broker (System.nanoTime). */
    private final Map<Integer, Long> liveSince = new ConcurrentHashMap<>();
    private final Map<String, PartitionLeaders> leaders = new ConcurrentHashMap<>();
    private final Map<Uuid, String> topicNames = new ConcurrentHashMap<>();
    private final Map<String, Uuid> topicIds = new ConcurrentHashMap<>();
    private final List<Consumer<String>> leaderListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> brokerListeners = new CopyOnWriteArrayList<>();
    /** Set by {@link #close}: changes are no longer followed nor passed on. */
    private volatile boolean closed;

    private ClusterView(MetadataStore metadata) {
        this.metadata = metadata;
        this.brokerCache = metadata.cache(metadata.brokersPath());
        this.leaderCache = metadata.cache(metadata.leadersPath());
        this.topicIdCache = metadata.cache(metadata.topicIdsPath());
    }

    /** Starts watching and waits (bounded) until the caches hold what ZooKeeper holds now. */
    public static ClusterView start(MetadataStore metadata) throws InterruptedException {
        ClusterView view = new ClusterView(metadata);
        CountDownLatch ready = new CountDownLatch(3);
        view.brokerCache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> view.brokerChanged(node, false))
                .forDeletes(node -> view.brokerChanged(node, true))
                .forInitialized(ready::countDown)
                .build());
        view.leaderCache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> view.leadersChanged(node, false))
                .forDeletes(node -> view.leadersChanged(node, true))
                .forInitialized(ready::countDown)
                .build());
        view.topicIdCache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> view.topicIdChanged(node, false))
                .forDeletes(node -> view.topicIdChanged(node, true))
                .forInitialized(ready::countDown)
                .build());
        view.brokerCache.start();
        view.leaderCache.start();
        view.topicIdCache.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            view.close();
            throw new IllegalStateException("The cluster's brokers, leaders and topic ids could not be read from "
                    + "ZooKeeper");
        }
        return view;
    }

    private void brokerChanged(ChildData node, boolean deleted) {
        String name = childName(node, metadata.brokersPath());
        if (name == null || closed) {
            return;
        }
        try {
            int id = Integer.parseInt(name);
            if (deleted) {
                live.remove(id);
                liveSince.remove(id);
            } else {
                live.put(id, MetadataCodec.decodeBroker(node.getData()));
                liveSince.putIfAbsent(id, System.nanoTime());
            }
        } catch (RuntimeException e) {
            LOG.warn("Ignoring the unreadable broker registration {}: {}", node.getPath(), e.toString());
            return;
        }
        brokerListeners.forEach(Runnable::run);
    }

    private void leadersChanged(ChildData node, boolean deleted) {
        String topic = childName(node, metadata.leadersPath());
        if (topic == null || closed) {
            return;
        }
        if (deleted) {
            leaders.remove(topic);
        } else {
            try {
                leaders.put(topic, MetadataCodec.decodeLeaders(node.getData()));
            } catch (RuntimeException e) {
                LOG.warn("Ignoring the unreadable leaders of {}: {}", topic, e.toString());
                return;
            }
        }
        leaderListeners.forEach(l -> l.accept(topic));
    }

    private void topicIdChanged(ChildData node, boolean deleted) {
        String name = childName(node, metadata.topicIdsPath());
        if (name == null || closed) {
            return;
        }
        try {
            Uuid id = Uuid.fromString(name);
            if (deleted) {
                String topic = topicNames.remove(id);
                if (topic != null) {
                    topicIds.remove(topic, id);
                }
            } else {
                String topic = new String(node.getData(), StandardCharsets.UTF_8);
                topicNames.put(id, topic);
                topicIds.put(topic, id);
            }
        } catch (RuntimeException e) {
            LOG.warn("Ignoring the unreadable topic id {}: {}", node.getPath(), e.toString());
        }
    }

    private static String childName(ChildData node, String parent) {
        String path = node.getPath();
        return path.length() > parent.length() + 1 && path.startsWith(parent + "/")
                && path.indexOf('/', parent.length() + 1) < 0 ? path.substring(parent.length() + 1) : null;
    }

    /** The live brokers by id. */
    public Map<Integer, BrokerRegistration> liveBrokers() {
        return new TreeMap<>(live);
    }

    /** Ids of the live brokers, ascending. */
    public List<Integer> liveBrokerIds() {
        return List.copyOf(live.keySet());
    }

    /** How long this view has seen broker {@code id} live, in milliseconds; 0 if it is not live. */
    public long liveForMs(int id) {
        Long since = liveSince.get(id);
        return since == null ? 0 : java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /** The leaders of a topic as last seen, if assigned. */
    public Optional<PartitionLeaders> leaders(String topic) {
        return Optional.ofNullable(leaders.get(topic));
    }

    /** The leader of a partition as last seen; empty when none is assigned (yet). */
    public Optional<PartitionLeaders.Leader> leader(TopicPartition partition) {
        PartitionLeaders topic = leaders.get(partition.topic());
        if (topic == null || partition.partition() >= topic.partitions().size()) {
            return Optional.empty();
        }
        return Optional.of(topic.leader(partition.partition()));
    }

    /**
     * The leader of a partition, read from ZooKeeper when this view has not seen it yet (a topic created a moment
     * ago by another broker).
     */
    public CompletableFuture<Optional<PartitionLeaders.Leader>> currentLeader(TopicPartition partition) {
        return currentLeaders(partition.topic()).thenApply(topic -> topic
                .filter(t -> partition.partition() < t.partitions().size())
                .map(t -> t.leader(partition.partition())));
    }

    /** A topic's leaders, read from ZooKeeper (once) when this view has not seen them yet. */
    public CompletableFuture<Optional<PartitionLeaders>> currentLeaders(String topic) {
        PartitionLeaders known = leaders.get(topic);
        if (known != null) {
            return CompletableFuture.completedFuture(Optional.of(known));
        }
        return metadata.leaders(topic).handle((versioned, error) -> {
            if (error != null) {
                if (!(Futures.unwrap(error) instanceof UnknownTopicException)) {
                    LOG.debug("Reading the leaders of {} failed: {}", topic, error.toString());
                }
                return Optional.empty();
            }
            return Optional.of(versioned.value());
        });
    }

    /**
     * The name of the topic with this id, read from ZooKeeper when this view has not seen it yet (a topic created
     * a moment ago through another broker); empty when no topic has it (any more).
     */
    public CompletableFuture<Optional<String>> topicName(Uuid id) {
        String known = topicNames.get(id);
        if (known != null) {
            return CompletableFuture.completedFuture(id.equals(topicIds.get(known)) ? Optional.of(known)
                    : Optional.empty());
        }
        // Not seen yet: ask ZooKeeper, and trust its index only if the topic of that name has the id now.
        return metadata.topicName(id).thenCompose(name -> name.isEmpty()
                ? CompletableFuture.completedFuture(name)
                : metadata.topic(name.get()).handle((topic, error) -> {
                    if (error == null) {
                        return topic.id().equals(id) ? name : Optional.<String>empty();
                    }
                    if (Futures.unwrap(error) instanceof UnknownTopicException) {
                        return Optional.<String>empty();
                    }
                    throw new CompletionException(Futures.unwrap(error));
                }));
    }

    /** The id of the topic of that name as last seen; empty when this view knows none. */
    public Optional<Uuid> topicId(String name) {
        return Optional.ofNullable(topicIds.get(name));
    }

    /** The live broker leading a partition as last seen; empty when none is assigned or its leader is not live. */
    public Optional<BrokerRegistration> liveLeader(TopicPartition partition) {
        return leader(partition).map(l -> live.get(l.brokerId()));
    }

    /**
     * Leaders for a new topic of {@code partitions} partitions, each on the live broker that leads the fewest
     * partitions so far, in epoch 1; null when no broker is live (the controller assigns them later).
     */
    public PartitionLeaders placeNewTopic(int partitions) {
        List<Integer> ids = liveBrokerIds();
        if (ids.isEmpty()) {
            return null;
        }
        Map<Integer, Integer> load = LeaderPlacement.loads(leaders.values(), ids);
        List<PartitionLeaders.Leader> placed = new java.util.ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            placed.add(new PartitionLeaders.Leader(LeaderPlacement.takeLeastLoaded(load), 1));
        }
        return new PartitionLeaders(placed);
    }

    /** Names of the topics whose leaders this view holds. */
    public java.util.Set<String> topicsWithLeaders() {
        return java.util.Set.copyOf(leaders.keySet());
    }

    /** Calls {@code listener} with a topic's name whenever its leaders change or go. */
    public void onLeadersChanged(Consumer<String> listener) {
        leaderListeners.add(listener);
    }

    /** Calls {@code listener} whenever a broker registers or goes. */
    public void onBrokersChanged(Runnable listener) {
        brokerListeners.add(listener);
    }

    /** Stops calling a listener given to {@link #onBrokersChanged}; a call under way may still finish. */
    public void removeBrokersListener(Runnable listener) {
        brokerListeners.remove(listener);
    }

    /** Stops following ZooKeeper and calling listeners; what the view knew stays readable. Idempotent. */
    @Override
    public void close() {
        closed = true;
        brokerListeners.clear();
        leaderListeners.clear();
        brokerCache.close();
        leaderCache.close();
        topicIdCache.close();
    }
}
