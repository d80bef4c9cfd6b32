package io.ledgerstream.log.broker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.cluster.BrokerRegistrar;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.cluster.Controller;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.manager.DynamicBrokerConfig;
import io.ledgerstream.log.manager.LeaderLogs;
import io.ledgerstream.log.manager.LogMaintenance;
import io.ledgerstream.log.manager.TopicManager;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.network.KafkaServer;
import io.ledgerstream.log.protocol.handlers.BrokerApis;
import io.ledgerstream.log.protocol.handlers.BrokerIdentity;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.network.BrokerClient;
import io.ledgerstream.log.storage.bookkeeper.BookKeeperStorage;
import io.ledgerstream.log.transaction.PartitionMarkers;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import io.ledgerstream.log.transaction.TransactionVerifier;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker: its ZooKeeper session, its BookKeeper client, the logs of the partitions it leads ({@link LeaderLogs}),
 * topic administration ({@link TopicManager}), the periodic retention and compaction runs ({@link LogMaintenance}),
 * its part in the cluster (registration, controller election, group coordination while it leads the offsets
 * partition, transaction coordination for the transaction state partitions it leads) and the Kafka-protocol server
 * in front of them. This class wires them and orders start and stop.
 *
 * <p>Thread-safe: started and closed by one thread; coordinator changes, driven by ZooKeeper events, are
 * synchronized on the broker.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    /** How long start-up waits for the group coordinator to be placed (and loaded, when it is this broker). */
    private static final long COORDINATOR_WAIT_MS = 60_000;
    private static final long COORDINATOR_RETRY_MS = 500;
    /** How long closing waits for a retention or compaction run under way before closing the logs under it. */
    private static final long MAINTENANCE_STOP_MS = 30_000;

    private final BrokerConfig config;
    private final CuratorFramework zk;
    private final BookKeeperStorage storage;
    private final MetadataStore metadata;
    private final ClusterView cluster;
    private final DynamicBrokerConfig dynamicConfig;
    private final LeaderLogs logs;
    private final TopicManager topics;
    private final ScheduledExecutorService scheduler;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;
    private final BrokerClient brokerClient;
    private final ProducerIdAllocator producerIds;
    private final Clock clock;
    private final ConnectionStateListener connectionStates = (client, state) -> onConnectionState(state);
    private KafkaServer server;
    private BrokerRegistrar registrar;
    /** Set once start-up joined the controller election; read by request handlers. */
    private volatile Controller controller;
    /** The leader epoch of the offsets partition this broker coordinates groups in; -1 when it does not. */
    @GuardedBy("this")
    private int coordinatingEpoch = -1;

    private Broker(BrokerConfig config, CuratorFramework zk, MetadataStore metadata, BookKeeperStorage storage,
                   ClusterView cluster, DynamicBrokerConfig dynamicConfig, LeaderLogs logs, TopicManager topics,
                   ScheduledExecutorService scheduler, GroupCoordinator groups, Clock clock) {
        this.config = config;
        this.producerIds = new ProducerIdAllocator(zk, config.metadataRoot());
        this.brokerClient = new BrokerClient("ledgerstream-broker-" + config.brokerId());
        this.transactions = new TransactionCoordinator(config.brokerId(), config.transactions().stateLogPartitions(),
                logs, cluster, brokerClient, new PartitionMarkers(logs, groups), producerIds, clock,
                config.transactions().maxTimeoutMs(), config.transactions().abortIntervalMs());
        this.clock = clock;
        this.zk = zk;
        this.metadata = metadata;
        this.storage = storage;
        this.cluster = cluster;
        this.dynamicConfig = dynamicConfig;
        this.logs = logs;
        this.topics = topics;
        this.scheduler = scheduler;
        this.groups = groups;
    }

    /**
     * Starts a broker.
     * <ol>
     *   <li>Connect to ZooKeeper and the bookies; start watching the live brokers and partition leaders.</li>
     *   <li>Start the retention and compaction schedules and the Kafka-protocol listener.</li>
     *   <li>Register as a live broker and join the controller election.</li>
     *   <li>Create the offsets topic if there is none; coordinate groups whenever this broker leads its partition.
     *       Wait (bounded) until some broker does, and has loaded it if it is this one.</li>
     * </ol>
     */
    public static Broker start(BrokerConfig config, Clock clock) throws Exception {
        CuratorFramework zk = CuratorFrameworkFactory.builder()
                .connectString(config.zookeeperConnect())
                .sessionTimeoutMs(config.zookeeperSessionTimeoutMs())
                .connectionTimeoutMs(Math.min(15_000, config.zookeeperSessionTimeoutMs()))
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
                .build();
        zk.start();
        Broker broker = null;
        BookKeeperStorage storage = null;
        ClusterView cluster = null;
        DynamicBrokerConfig dynamicConfig = null;
        try {
            if (!zk.blockUntilConnected(config.zookeeperSessionTimeoutMs(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Could not reach ZooKeeper at " + config.zookeeperConnect()
                        + " within " + config.zookeeperSessionTimeoutMs() + " ms");
            }
            MetadataStore metadata = new MetadataStore(zk, config.metadataRoot());
            storage = BookKeeperStorage.connect(config, metadata, clock);
            cluster = ClusterView.start(metadata);
            DynamicBrokerConfig dynamic = DynamicBrokerConfig.start(metadata, config);
            dynamicConfig = dynamic;
            LeaderLogs logs = new LeaderLogs(metadata, storage, config, cluster, dynamic::logDefaults);
            dynamic.onChange(logs::applyDefaults);
            TopicManager topics = new TopicManager(metadata, storage, config, clock, cluster, logs,
                    dynamic::logDefaults);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ledgerstream-log-maintenance");
                t.setDaemon(true);
                return t;
            });
            broker = new Broker(config, zk, metadata, storage, cluster, dynamic, logs, topics, scheduler,
                    new GroupCoordinator(config.groupInitialRebalanceDelayMs()), clock);
            new LogMaintenance(logs, config).schedule(scheduler);
            broker.serve();
            return broker;
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            } else {
                if (cluster != null) {
                    cluster.close();
                }
                if (dynamicConfig != null) {
                    dynamicConfig.close();
                }
                if (storage != null) {
                    storage.close();
                }
                zk.close();
            }
            throw e;
        }
    }

    private void serve() throws Exception {
        NetworkConfig network = config.network();
        if (network.port() == 0) {
            // Clients must be told the real port, so pick it before the APIs that advertise it are built.
            network = network.withBoundPort(freePort(network.host()));
        }
        BrokerIdentity identity = new BrokerIdentity(config.brokerId(), network.advertisedHost(),
                network.advertisedPort(), metadata.clusterId());
        cluster.onLeadersChanged(topic -> {
            if (topic.equals(OffsetStore.TOPIC)) {
                followCoordinator();
            } else if (topic.equals(TransactionCoordinator.topic())) {
                followTransactionCoordinator();
            }
        });
        zk.getConnectionStateListenable().addListener(connectionStates);
        server = KafkaServer.start(network, BrokerApis.create(topics, logs, cluster, identity, producerIds, groups,
                transactions, new TransactionVerifier(config.brokerId(), transactions, cluster, brokerClient),
                () -> controllerId(), new BrokerApis.Admin(dynamicConfig, () -> controller,
                        config.bookkeeperMetadataUri())));
        registrar = BrokerRegistrar.register(metadata, new BrokerRegistration(config.brokerId(),
                network.advertisedHost(), network.advertisedPort(), config.rack()), config.zookeeperSessionTimeoutMs());
        controller = Controller.start(metadata, cluster, config.brokerId(), config.leaderBalanceDelayMs());
        topics.createTopicIfAbsent(OffsetStore.TOPIC, 1).get(60, TimeUnit.SECONDS);
        topics.createTopicIfAbsent(TransactionCoordinator.topic(), transactions.partitionCount(),
                Map.of(LogConfig.CLEANUP_POLICY, "compact")).get(60, TimeUnit.SECONDS);
        // Leaders assigned before this broker started raise no change event: take up what it leads already.
        logs.openLedPartitions();
        followCoordinator();
        followTransactionCoordinator();
        awaitCoordinator();
        LOG.info("Broker {} started: Kafka protocol on {}:{}, ZooKeeper {}", config.brokerId(),
                network.host(), server.config().port(), config.zookeeperConnect());
    }

    /** Coordinates groups while this broker leads the offsets partition, from the epoch it was given on. */
    private synchronized void followCoordinator() {
        Optional<PartitionLeaders.Leader> leader = cluster.leader(new TopicPartition(OffsetStore.TOPIC, 0));
        boolean leads = leader.isPresent() && leader.get().brokerId() == config.brokerId();
        if (leads && coordinatingEpoch != leader.get().epoch()) {
            int epoch = leader.get().epoch();
            coordinatingEpoch = epoch;
            groups.activate(OffsetStore.open(logs, config.offsetsSnapshotRecords(), clock)).whenComplete((v, e) -> {
                if (e != null) {
                    // Opening the partition failed (bookies, a concurrent handover): try again shortly.
                    synchronized (this) {
                        if (coordinatingEpoch == epoch) {
                            coordinatingEpoch = -1;
                        }
                    }
                    if (!scheduler.isShutdown()) {
                        scheduler.schedule(this::followCoordinator, COORDINATOR_RETRY_MS, TimeUnit.MILLISECONDS);
                    }
                }
            });
        } else if (!leads && coordinatingEpoch >= 0) {
            coordinatingEpoch = -1;
            groups.deactivate();
        }
    }

    /**
     * Coordinates the transactional ids of every transaction state partition this broker leads, from the epoch it
     * was given it in; resigns the others. A partition that fails to load is tried again shortly.
     */
    private synchronized void followTransactionCoordinator() {
        for (int p = 0; p < transactions.partitionCount(); p++) {
            int partition = p;
            Optional<PartitionLeaders.Leader> leader = cluster.leader(
                    new TopicPartition(TransactionCoordinator.topic(), partition));
            if (leader.isPresent() && leader.get().brokerId() == config.brokerId()) {
                transactions.elect(partition, leader.get().epoch()).whenComplete((v, e) -> {
                    if (e != null && !scheduler.isShutdown()) {
                        scheduler.schedule(this::followTransactionCoordinator, COORDINATOR_RETRY_MS,
                                TimeUnit.MILLISECONDS);
                    }
                });
            } else {
                transactions.resign(partition);
            }
        }
    }

    private void awaitCoordinator() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COORDINATOR_WAIT_MS);
        TopicPartition offsets = new TopicPartition(OffsetStore.TOPIC, 0);
        while (System.nanoTime() < deadline) {
            Optional<BrokerRegistration> coordinator = cluster.liveLeader(offsets);
            if (coordinator.isPresent() && (coordinator.get().id() != config.brokerId() || groups.isActive())) {
                return;
            }
            Thread.sleep(20);
        }
        LOG.warn("No group coordinator after {} ms; group requests get COORDINATOR_NOT_AVAILABLE until there is one",
                COORDINATOR_WAIT_MS);
    }

    /**
     * A broker that may have lost its ZooKeeper session stops writing at once: its partitions may be given to
     * another broker as soon as the session expires. Once reconnected it opens those it still leads.
     */
    private void onConnectionState(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            logs.closeAllLogs("the ZooKeeper connection is " + state);
            synchronized (this) {
                coordinatingEpoch = -1;
                groups.deactivate();
                for (int p = 0; p < transactions.partitionCount(); p++) {
                    transactions.resign(p);
                }
            }
        } else if (state == ConnectionState.RECONNECTED) {
            logs.openLedPartitions();
            followCoordinator();
            followTransactionCoordinator();
        }
    }

    /** The controller's id as this broker knows it; -1 when unknown. */
    private int controllerId() {
        Controller c = controller;
        return c == null ? -1 : c.controllerId();
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    public BrokerConfig config() {
        return config;
    }

    /** The logs of the partitions this broker leads. */
    public LeaderLogs logs() {
        return logs;
    }

    /** Topic administration on this broker. */
    public TopicManager topics() {
        return topics;
    }

    /** The metadata store this broker works on. */
    public MetadataStore metadata() {
        return metadata;
    }

    /** The cluster as this broker sees it. */
    public ClusterView cluster() {
        return cluster;
    }

    /** This broker's ZooKeeper client, for tools and fault tests that act on its session. */
    public CuratorFramework zookeeper() {
        return zk;
    }

    /** The port the Kafka-protocol listener is bound to. */
    public int kafkaPort() {
        return server.config().port();
    }

    /** Client connections open now. */
    public int openConnections() {
        return server.openConnections();
    }

    /**
     * Stops serving, closes the logs cleanly (sealing their open ledgers), then leaves the cluster, so the brokers
     * that take the partitions over find nothing to recover. Everything stops after what depends on it: the
     * BookKeeper client after the logs written through it, the ZooKeeper session last.
     */
    @Override
    public void close() {
        stopServing();
        logs.close();
        closeQuietly(registrar);
        storage.close();
        zk.close();
        LOG.info("Broker {} stopped", config.brokerId());
    }

    /**
     * Stops as if the process died: no log is closed or sealed and the ZooKeeper session ends at once, so the
     * controller moves the partitions and their new leaders recover the open ledgers. For fault tests.
     */
    public void halt() {
        stopServing();
        // Its node would go with the session anyway; closed first, it does not try to come back on a closed client.
        closeQuietly(registrar);
        zk.close();
        storage.close();
        LOG.info("Broker {} halted", config.brokerId());
    }

    /**
     * Stops taking requests and events, then what they drive.
     * <ol>
     *   <li>Close the Kafka listener: no request comes in any more.</li>
     *   <li>Stop following ZooKeeper (cluster changes, the connection's state), so no event reaches the parts
     *       below while or after they stop.</li>
     *   <li>Leave the controller election, stop coordinating groups.</li>
     *   <li>Stop the retention and compaction schedule and wait (bounded) for a run under way, which writes
     *       through the logs and the BookKeeper client closed next.</li>
     * </ol>
     */
    private void stopServing() {
        closeQuietly(server);
        zk.getConnectionStateListenable().removeListener(connectionStates);
        cluster.close();
        closeQuietly(controller);
        dynamicConfig.close();
        groups.close();
        transactions.close();
        brokerClient.close();
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(MAINTENANCE_STOP_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("Broker {}: a retention or compaction run was still going {} ms after it was asked to stop; "
                        + "closing the logs under it", config.brokerId(), MAINTENANCE_STOP_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Broker {}: interrupted while waiting for a retention or compaction run to end",
                    config.brokerId());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
