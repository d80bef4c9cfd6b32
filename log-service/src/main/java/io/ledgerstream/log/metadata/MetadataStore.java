package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.kafka.common.Uuid;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic and partition metadata in ZooKeeper. Layout under the root ({@code /ledgerstream} by default):
 * {@code /topics/<topic>} holds a {@link TopicRecord}, {@code /topics/<topic>/<partition>} a {@link PartitionRecord},
 * {@code /topic-ids/<id>} the name of the topic with that id (an index, created and deleted with the topic),
 * {@code /leaders/<topic>} the topic's {@link PartitionLeaders}, {@code /brokers/<id>} (ephemeral) a live broker's
 * {@link BrokerRegistration}, {@code /producers/<topic>/<partition>} a partition's {@link ProducerSnapshot}
 * (apart from {@code /topics}, which every broker caches, and deleted with the topic), {@code /controller} the
 * controller election, and under {@code /config} dynamic broker settings ({@link BrokerConfigStore}) and users' SCRAM
 * credentials ({@link ScramCredentialStore}), {@code /acls} the ACLs ({@link AclStore}) and
 * {@code /client-quotas} the client quotas ({@link ClientQuotaStore}). Every update of a record is a compare-and-set
 * on the node version (a producer snapshot is simply replaced); all calls are asynchronous.
 *
 * <p>Thread-safe: holds no state beyond the (thread-safe) Curator client, which the caller owns.
 */
@ThreadSafe
public final class MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);
    /** Well under ZooKeeper's default request limit (jute.maxbuffer, 1 MiB), which closes the session if passed. */
    private static final int MAX_PRODUCER_SNAPSHOT_BYTES = 512 << 10;

    private final CuratorFramework zk;
    private final String root;
    private final String topicsPath;
    private final String leadersPath;
    private final String brokersPath;
    private final String producersPath;
    private final String topicIdsPath;
    private final BrokerConfigStore brokerConfigs;
    private final ScramCredentialStore scramCredentials;
    private final AclStore acls;
    private final ClientQuotaStore clientQuotas;

    /** Binds to {@code root}, creating its folders if needed (blocking, once, at start-up). */
    public MetadataStore(CuratorFramework zk, String root) {
        this.zk = zk;
        this.root = root;
        this.topicsPath = root + "/topics";
        this.leadersPath = root + "/leaders";
        this.brokersPath = root + "/brokers";
        this.producersPath = root + "/producers";
        this.topicIdsPath = root + "/topic-ids";
        this.brokerConfigs = new BrokerConfigStore(zk, root + "/config/brokers");
        this.scramCredentials = new ScramCredentialStore(zk, root + "/config/users");
        this.acls = new AclStore(zk, root + "/acls");
        this.clientQuotas = new ClientQuotaStore(zk, root + "/client-quotas");
        try {
            zk.createContainers(topicsPath);
            zk.createContainers(leadersPath);
            zk.createContainers(brokersPath);
            zk.createContainers(brokerConfigs.path());
            zk.createContainers(scramCredentials.path());
            zk.createContainers(acls.path());
            // Not a container: ZooKeeper removes an empty container, and a snapshot's creation would then fail.
            for (String path : List.of(producersPath, topicIdsPath)) {
                if (zk.checkExists().forPath(path) == null) {
                    zk.create().orSetData().forPath(path);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the metadata root " + topicsPath + " in ZooKeeper", e);
        }
    }

    /**
     * The cluster's id, created by the first broker that asks ({@code <root>/cluster-id}); blocking, for start-up.
     */
    public String clusterId() throws Exception {
        String path = root + "/cluster-id";
        try {
            zk.create().creatingParentContainersIfNeeded().forPath(path,
                    Uuid.randomUuid().toString().getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            // Another broker, or an earlier start, created it: use theirs.
        }
        return new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
    }

    /** A cache of the nodes under {@code path} (one of the paths below), for watching them; the caller starts it. */
    public CuratorCache cache(String path) {
        return CuratorCache.build(zk, path);
    }

    /** This broker's part in the controller election at {@link #controllerPath()}; the caller starts it. */
    public LeaderLatch controllerLatch(int brokerId) {
        return new LeaderLatch(zk, controllerPath(), Integer.toString(brokerId));
    }

    /**
     * Waits (bounded) until no other ZooKeeper session holds the ephemeral node at {@code path}, then creates it,
     * held by this session, with {@code data}; the caller starts the node and closes it to remove it.
     *
     * @return empty if another session still holds it after {@code waitMs}
     */
    public Optional<PersistentNode> ephemeralNode(String path, byte[] data, long waitMs) throws Exception {
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        Stat existing;
        while ((existing = zk.checkExists().forPath(path)) != null && existing.getEphemeralOwner() != session) {
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(100);
        }
        return Optional.of(new PersistentNode(zk, CreateMode.EPHEMERAL, false, path, data));
    }

    /** Where topic records live: {@code <root>/topics}. */
    public String topicsPath() {
        return topicsPath;
    }

    /** Where topic ids are indexed: {@code <root>/topic-ids}. */
    public String topicIdsPath() {
        return topicIdsPath;
    }

    /** Where live brokers register: {@code <root>/brokers}. */
    public String brokersPath() {
        return brokersPath;
    }

    /** Where topics' leader assignments live: {@code <root>/leaders}. */
    public String leadersPath() {
        return leadersPath;
    }

    /** The path of the controller election. */
    public String controllerPath() {
        return root + "/controller";
    }

    /** Where dynamic broker settings live, and how they are read and stored. */
    public BrokerConfigStore brokerConfigs() {
        return brokerConfigs;
    }

    /** Users' SCRAM credentials. */
    public ScramCredentialStore scramCredentials() {
        return scramCredentials;
    }

    /** The ACLs of every resource pattern. */
    public AclStore acls() {
        return acls;
    }

    /** The client quotas of every user and client id. */
    public ClientQuotaStore clientQuotas() {
        return clientQuotas;
    }

    /** Creates a topic and its empty partitions in one ZooKeeper transaction, without leaders yet. */
    public CompletableFuture<Void> createTopic(TopicRecord topic) {
        return createTopic(topic, null);
    }

    /**
     * Creates a topic, its empty partitions and (unless null) their leaders in one ZooKeeper transaction.
     *
     * @return completes exceptionally with {@link TopicExistsException} if the name is taken
     */
    public CompletableFuture<Void> createTopic(TopicRecord topic, PartitionLeaders leaders) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(topicPath(topic.name()), MetadataCodec.encode(topic)));
            ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(topicIdPath(topic.id()), topic.name().getBytes(StandardCharsets.UTF_8)));
            byte[] empty = MetadataCodec.encode(PartitionRecord.empty());
            for (int p = 0; p < topic.partitions(); p++) {
                ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                        .forPath(partitionPath(topic.name(), p), empty));
            }
            if (leaders != null) {
                ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                        .forPath(leadersPath(topic.name()), MetadataCodec.encode(leaders)));
            }
            zk.transaction().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    result.complete(null);
                } else if (code == KeeperException.Code.NODEEXISTS) {
                    result.completeExceptionally(new TopicExistsException(topic.name()));
                } else {
                    result.completeExceptionally(KeeperException.create(code, topicPath(topic.name())));
                }
            }).forOperations(ops);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** The topic's record; completes exceptionally with {@link UnknownTopicException} if there is none. */
    public CompletableFuture<TopicRecord> topic(String name) {
        return versionedTopic(name).thenApply(Versioned::value);
    }

    /**
     * The topic's record with its node version, for compare-and-set updates. A record stored before topics had ids
     * is first written again with the id it is read with, and indexed under it.
     */
    public CompletableFuture<Versioned<TopicRecord>> versionedTopic(String name) {
        return readNode(topicPath(name), name).thenCompose(v -> {
            TopicRecord topic = MetadataCodec.decodeTopic(v.value());
            if (MetadataCodec.isCurrent(v.value())) {
                return CompletableFuture.completedFuture(new Versioned<>(topic, v.version()));
            }
            return upgradeTopic(topic, v.version()).thenCompose(upgraded -> versionedTopic(name));
        });
    }

    /**
     * Writes an old topic record in the current format with its id index, in one transaction; losing the race to
     * another broker doing the same (the derived id is the same everywhere) is fine.
     */
    private CompletableFuture<Void> upgradeTopic(TopicRecord topic, int expectedVersion) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            List<CuratorOp> ops = List.of(
                    zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                            .forPath(topicIdPath(topic.id()), topic.name().getBytes(StandardCharsets.UTF_8)),
                    zk.transactionOp().setData().withVersion(expectedVersion)
                            .forPath(topicPath(topic.name()), MetadataCodec.encode(topic)));
            zk.transaction().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> {
                        LOG.info("Topic {} was stored without an id; it now has the id {}", topic.name(), topic.id());
                        result.complete(null);
                    }
                    // Indexed already (the same id: it derives from the record): the record alone is written.
                    case NODEEXISTS -> rewriteTopic(topic, expectedVersion, result);
                    case BADVERSION, NONODE -> result.complete(null);
                    default -> result.completeExceptionally(KeeperException.create(code, topicPath(topic.name())));
                }
            }).forOperations(ops);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Writes a topic record again in the current format if its node is still at {@code expectedVersion}. */
    private void rewriteTopic(TopicRecord topic, int expectedVersion, CompletableFuture<Void> result) {
        try {
            zk.setData().withVersion(expectedVersion).inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK, BADVERSION, NONODE -> result.complete(null);
                    default -> result.completeExceptionally(KeeperException.create(code, topicPath(topic.name())));
                }
            }).forPath(topicPath(topic.name()), MetadataCodec.encode(topic));
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
    }

    /** The name of the topic with this id, if there is one. */
    public CompletableFuture<Optional<String>> topicName(Uuid id) {
        return readNode(topicIdPath(id), id.toString())
                .thenApply(v -> Optional.of(new String(v.value(), StandardCharsets.UTF_8)))
                .exceptionally(e -> {
                    if (Futures.unwrap(e) instanceof UnknownTopicException) {
                        return Optional.empty();
                    }
                    throw new CompletionException(Futures.unwrap(e));
                });
    }

    /**
     * Replaces a topic's record if its node is still at {@code expectedVersion}, creating the partition nodes the
     * new record adds in the same transaction.
     */
    public CompletableFuture<Void> updateTopic(TopicRecord updated, int previousPartitions, int expectedVersion) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(zk.transactionOp().setData().withVersion(expectedVersion)
                    .forPath(topicPath(updated.name()), MetadataCodec.encode(updated)));
            byte[] empty = MetadataCodec.encode(PartitionRecord.empty());
            for (int p = previousPartitions; p < updated.partitions(); p++) {
                ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                        .forPath(partitionPath(updated.name(), p), empty));
            }
            zk.transaction().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> result.complete(null);
                    case BADVERSION, NODEEXISTS -> result.completeExceptionally(
                            new MetadataConflictException(topicPath(updated.name())));
                    case NONODE -> result.completeExceptionally(new UnknownTopicException(updated.name()));
                    default -> result.completeExceptionally(KeeperException.create(code, topicPath(updated.name())));
                }
            }).forOperations(ops);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * A topic's leaders with the node version; completes exceptionally with {@link UnknownTopicException} when
     * none were assigned yet.
     */
    public CompletableFuture<Versioned<PartitionLeaders>> leaders(String topic) {
        return readNode(leadersPath(topic), topic).thenApply(v -> new Versioned<>(MetadataCodec.decodeLeaders(v.value()),
                v.version()));
    }

    /**
     * Stores a topic's leaders if the node is still at {@code expectedVersion} (-1: if there is no node yet).
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> setLeaders(String topic, PartitionLeaders leaders, int expectedVersion) {
        String path = leadersPath(topic);
        CompletableFuture<Void> result = new CompletableFuture<>();
        BackgroundCallback callback = (client, event) -> {
            KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
            switch (code) {
                case OK -> result.complete(null);
                case BADVERSION, NODEEXISTS -> result.completeExceptionally(new MetadataConflictException(path));
                case NONODE -> result.completeExceptionally(new UnknownTopicException(topic));
                default -> result.completeExceptionally(KeeperException.create(code, path));
            }
        };
        try {
            if (expectedVersion < 0) {
                zk.create().withMode(CreateMode.PERSISTENT).inBackground(callback)
                        .forPath(path, MetadataCodec.encode(leaders));
            } else {
                zk.setData().withVersion(expectedVersion).inBackground(callback)
                        .forPath(path, MetadataCodec.encode(leaders));
            }
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Deletes a topic's leaders in the background; absent ones are fine. */
    public void deleteLeaders(String topic) {
        try {
            zk.delete().quietly().inBackground().forPath(leadersPath(topic));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot delete the leaders of " + topic, e);
        }
    }

    /** Names of the topics that have leaders assigned. */
    public CompletableFuture<List<String>> topicsWithLeaders() {
        return children(leadersPath);
    }

    /**
     * Deletes a topic's metadata: its id first, so that no request naming the id reaches a topic created again
     * under the name (ZooKeeper applies one session's requests in order), then its record and its partitions'
     * records.
     */
    public CompletableFuture<Void> deleteTopic(TopicRecord topic) {
        String name = topic.name();
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            zk.delete().guaranteed().inBackground().forPath(topicIdPath(topic.id()));
            zk.delete().guaranteed().deletingChildrenIfNeeded().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    // After the topic: a snapshot is only ever created while its topic exists (see below). None
                    // may have been taken (NONODE); any other failure leaves a snapshot no new topic will read
                    // before its own first one replaces it, at an offset it checks.
                    client.delete().guaranteed().deletingChildrenIfNeeded()
                            .inBackground((BackgroundCallback) (c, deleted) -> result.complete(null))
                            .forPath(producersPath + "/" + name);
                } else if (code == KeeperException.Code.NONODE) {
                    result.completeExceptionally(new UnknownTopicException(name));
                } else {
                    result.completeExceptionally(KeeperException.create(code, topicPath(name)));
                }
            }).forPath(topicPath(name));
            deleteLeaders(name);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Names of all topics. */
    public CompletableFuture<List<String>> topicNames() {
        return children(topicsPath);
    }

    private CompletableFuture<List<String>> children(String parent) {
        return VersionedNodes.children(zk, parent);
    }

    /** A partition's record with its node version. */
    public CompletableFuture<Versioned<PartitionRecord>> partition(String topic, int partition) {
        return readNode(partitionPath(topic, partition), topic + "-" + partition)
                .thenApply(v -> new Versioned<>(MetadataCodec.decodePartition(v.value()), v.version()));
    }

    /**
     * Replaces a partition's record if its node is still at {@code expectedVersion}.
     *
     * @return the record with its new version; completes exceptionally with {@link MetadataConflictException} if
     *     the node moved on
     */
    public CompletableFuture<Versioned<PartitionRecord>> compareAndSetPartition(String topic, int partition,
                                                                               PartitionRecord record,
                                                                               int expectedVersion) {
        String path = partitionPath(topic, partition);
        CompletableFuture<Versioned<PartitionRecord>> result = new CompletableFuture<>();
        try {
            zk.setData().withVersion(expectedVersion).inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> result.complete(new Versioned<>(record, event.getStat().getVersion()));
                    case BADVERSION -> confirmOrConflict(topic, partition, record, path, result);
                    case NONODE -> result.completeExceptionally(new UnknownTopicException(topic + "-" + partition));
                    default -> result.completeExceptionally(KeeperException.create(code, path));
                }
            }).forPath(path, MetadataCodec.encode(record));
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Curator retries an update after a lost connection; when the first try was applied, the retry sees a newer
     * version. The update succeeded if the node now holds exactly what we wrote.
     */
    private void confirmOrConflict(String topic, int partition, PartitionRecord written, String path,
                                   CompletableFuture<Versioned<PartitionRecord>> result) {
        partition(topic, partition).whenComplete((current, error) -> {
            if (error == null && current.value().equals(written)) {
                result.complete(current);
            } else {
                result.completeExceptionally(new MetadataConflictException(path));
            }
        });
    }

    /** The partition's last producer snapshot, or empty when none was taken. */
    public CompletableFuture<Optional<ProducerSnapshot>> producerSnapshot(String topic, int partition) {
        String path = producerStatePath(topic, partition);
        return readNode(path, path).handle((node, error) -> {
            if (error == null) {
                return Optional.of(MetadataCodec.decodeProducerSnapshot(node.value()));
            }
            Throwable cause = Futures.unwrap(error);
            if (cause instanceof UnknownTopicException) {
                return Optional.empty();
            }
            throw new CompletionException(cause);
        });
    }

    /**
     * Stores the partition's producer snapshot over the last one. No version check: a snapshot holds only
     * acknowledged batches, so even one from a writer fenced since is true, merely older. Completes exceptionally
     * with {@link UnknownTopicException} when the topic is gone.
     */
    public CompletableFuture<Void> saveProducerSnapshot(String topic, int partition, ProducerSnapshot snapshot) {
        String path = producerStatePath(topic, partition);
        byte[] data = MetadataCodec.encode(snapshot);
        if (data.length > MAX_PRODUCER_SNAPSHOT_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a producer snapshot of "
                    + snapshot.producers().size() + " producers takes " + data.length + " bytes, more than the "
                    + MAX_PRODUCER_SNAPSHOT_BYTES + " a ZooKeeper node should hold"));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        replaceProducerSnapshot(topic, path, data, result);
        return result;
    }

    private void replaceProducerSnapshot(String topic, String path, byte[] data, CompletableFuture<Void> result) {
        try {
            zk.setData().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    result.complete(null);
                } else if (code == KeeperException.Code.NONODE) {
                    createProducerSnapshot(topic, path, data, false, result);
                } else {
                    result.completeExceptionally(KeeperException.create(code, path));
                }
            }).forPath(path, data);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
    }

    /**
     * Creates the snapshot node in one transaction with a check that the topic exists, so that a snapshot written
     * while its topic is deleted can never outlive it and mislead a new topic of the same name.
     */
    private void createProducerSnapshot(String topic, String path, byte[] data, boolean withParent,
                                        CompletableFuture<Void> result) {
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(zk.transactionOp().check().forPath(topicPath(topic)));
            if (withParent) {
                ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT)
                        .forPath(producersPath + "/" + topic));
            }
            ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data));
            zk.transaction().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    result.complete(null);
                } else if (code == KeeperException.Code.NONODE && !withParent) {
                    // Either the topic's folder is missing (its first snapshot) or the topic is gone: try with it.
                    createProducerSnapshot(topic, path, data, true, result);
                } else if (code == KeeperException.Code.NONODE) {
                    result.completeExceptionally(new UnknownTopicException(topic));
                } else if (code == KeeperException.Code.NODEEXISTS) {
                    // Another writer of the partition created it meanwhile: replace theirs as any later one would.
                    replaceProducerSnapshot(topic, path, data, result);
                } else {
                    result.completeExceptionally(KeeperException.create(code, path));
                }
            }).forOperations(ops);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
    }

    private CompletableFuture<Versioned<byte[]>> readNode(String path, String what) {
        CompletableFuture<Versioned<byte[]>> result = new CompletableFuture<>();
        try {
            zk.getData().inBackground((BackgroundCallback) (CuratorFramework client, CuratorEvent event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    result.complete(new Versioned<>(event.getData(), event.getStat().getVersion()));
                } else if (code == KeeperException.Code.NONODE) {
                    result.completeExceptionally(new UnknownTopicException(what));
                } else {
                    result.completeExceptionally(KeeperException.create(code, path));
                }
            }).forPath(path);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private String topicPath(String topic) {
        return topicsPath + "/" + topic;
    }

    private String topicIdPath(Uuid id) {
        return topicIdsPath + "/" + id;
    }

    private String leadersPath(String topic) {
        return leadersPath + "/" + topic;
    }

    private String producerStatePath(String topic, int partition) {
        return producersPath + "/" + topic + "/" + partition;
    }

    private String partitionPath(String topic, int partition) {
        return topicPath(topic) + "/" + partition;
    }
}
