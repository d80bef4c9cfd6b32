package io.ledgerstream.log.broker;

import io.ledgerstream.log.cluster.BrokerRegistrar;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.cluster.Controller;
import io.ledgerstream.log.config.AuthorizerConfig;
import io.ledgerstream.log.config.QuotaConfig;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.Listener;
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
import io.ledgerstream.log.metadata.ZooKeeperAcls;
import io.ledgerstream.log.metrics.BrokerMetrics;
import io.ledgerstream.log.metrics.GroupMetrics;
import io.ledgerstream.log.metrics.MetricsServer;
import io.ledgerstream.log.network.KafkaServer;
import io.ledgerstream.log.protocol.handlers.BrokerApis;
import io.ledgerstream.log.protocol.handlers.BrokerIdentity;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.network.BrokerClient;
import io.ledgerstream.log.security.ClientSecurity;
import io.ledgerstream.log.security.AclAuthorizer;
import io.ledgerstream.log.security.ScramCredentialCache;
import io.ledgerstream.log.quota.ClientQuotaCache;
import io.ledgerstream.log.quota.ClientQuotaManager;
import io.ledgerstream.log.security.ServerSecurity;
import io.ledgerstream.log.storage.bookkeeper.BookKeeperStorage;
import io.ledgerstream.log.transaction.PartitionMarkers;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import io.ledgerstream.log.transaction.TransactionVerifier;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * its part in the cluster (registration, controller election, group coordination for the partitions of
 * {@code __consumer_offsets} it leads, transaction coordination for the partitions of {@code __transaction_state} it
 * leads), the Kafka-protocol server in front of them and, when {@code metrics.http.port} is set, the metrics and
 * health endpoint ({@link MetricsServer}). This class wires them and orders start and stop.
 *
 * <p>Thread-safe: started and closed by one thread; coordinator changes, driven by ZooKeeper events, are
 * synchronized on the broker.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    /** How long start-up waits for every group's coordinator to be placed (and loaded, where it is this broker). */
    private static final long COORDINATOR_WAIT_MS = 60_000;
    private static final long COORDINATOR_RETRY_MS = 500;
    /** How long closing waits for a retention or compaction run under way before closing the logs under it. */
    private static final long MAINTENANCE_STOP_MS = 30_000;
    /** How long a scrape waits for the group coordinator's counts before leaving them out. */
    private static final long GROUP_SIZES_WAIT_MS = 2_000;

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
    private final ScramCredentialCache scramCredentials;
    /** Set once serving starts; follows the ACLs while the broker serves. */
    private volatile AclAuthorizer authorizer;
    /** Set once serving starts; follows the client quotas while the broker serves. */
    private volatile ClientQuotaCache clientQuotas;
    private final Clock clock;
    private final BrokerMetrics metrics;
    /** Null when the broker serves no metrics. */
    private final MetricsServer metricsServer;
    private final BrokerReadiness readiness;
    private final ConnectionStateListener connectionStates = (client, state) -> onConnectionState(state);
    /** Set while a retry of following the coordinators' partitions is scheduled, so failures queue only one. */
    private final AtomicBoolean followRetryQueued = new AtomicBoolean();
    private KafkaServer server;
    private BrokerRegistrar registrar;
    /** Set once start-up joined the controller election; read by request handlers. */
    private volatile Controller controller;

    private Broker(BrokerConfig config, CuratorFramework zk, MetadataStore metadata, BookKeeperStorage storage,
                   ClusterView cluster, DynamicBrokerConfig dynamicConfig, LeaderLogs logs, TopicManager topics,
                   ScheduledExecutorService scheduler, GroupCoordinator groups, ScramCredentialCache scramCredentials,
                   Clock clock, BrokerMetrics metrics, MetricsServer metricsServer, BrokerReadiness readiness) {
        this.config = config;
        this.metrics = metrics;
        this.metricsServer = metricsServer;
        this.readiness = readiness;
        this.producerIds = new ProducerIdAllocator(zk, config.metadataRoot());
        this.scramCredentials = scramCredentials;
        this.brokerClient = new BrokerClient("ledgerstream-broker-" + config.brokerId(),
                config.network().interBrokerListenerName(),
                ClientSecurity.forListener(config.security(), config.network().interBrokerListenerName()));
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
     *   <li>When {@code metrics.http.port} is set, serve {@code /metrics}, {@code /health} and {@code /ready}
     *       ({@code /ready} answers 503 until the last step is done).</li>
     *   <li>Connect to ZooKeeper, authenticated when {@code zookeeper.auth.digest} is set; with
     *       {@code zookeeper.set.acl}, give every znode under the metadata root to the brokers' identity alone
     *       ({@link ZooKeeperAcls#restrictExisting}). Connect to the bookies; start watching the live brokers and
     *       partition leaders.</li>
     *   <li>Start the retention and compaction schedules and bind every Kafka-protocol listener.</li>
     *   <li>Register as a live broker, with every listener's advertised address (its bound port where 0 was
     *       asked for), and join the controller election.</li>
     *   <li>Create the offsets and transaction state topics if there are none (the offsets topic's partition count
     *       places the groups); coordinate the groups and transactional ids of each of their partitions this broker
     *       leads. Wait (bounded) until every offsets partition has a live leader, and those led here are
     *       loaded.</li>
     * </ol>
     */
    public static Broker start(BrokerConfig config, Clock clock) throws Exception {
        BrokerMetrics metrics = config.metrics().enabled() ? BrokerMetrics.create() : BrokerMetrics.disabled();
        BrokerReadiness readiness = new BrokerReadiness();
        readiness.starting("connecting to ZooKeeper at " + config.zookeeperConnect());
        CuratorFramework zk = ZooKeeperAcls.secure(CuratorFrameworkFactory.builder()
                .connectString(config.zookeeperConnect())
                .sessionTimeoutMs(config.zookeeperSessionTimeoutMs())
                .connectionTimeoutMs(Math.min(15_000, config.zookeeperSessionTimeoutMs()))
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000)), config.zookeeperSecurity())
                .build();
        zk.start();
        MetricsServer metricsServer;
        try {
            metricsServer = metrics.enabled()
                    ? MetricsServer.start("ledgerstream-metrics-" + config.brokerId(),
                            config.metrics().hostOr(config.network().firstHost()), config.metrics().port(),
                            metrics.registry(), readiness)
                    : null;
        } catch (java.io.IOException | RuntimeException e) {
            zk.close();
            throw e;
        }
        Broker broker = null;
        BookKeeperStorage storage = null;
        ClusterView cluster = null;
        DynamicBrokerConfig dynamicConfig = null;
        ScramCredentialCache scramCredentials = null;
        try {
            if (!zk.blockUntilConnected(config.zookeeperSessionTimeoutMs(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Could not reach ZooKeeper at " + config.zookeeperConnect()
                        + " within " + config.zookeeperSessionTimeoutMs() + " ms");
            }
            if (config.zookeeperSecurity().setAcl()) {
                readiness.starting("giving the znodes under " + config.metadataRoot() + " to the brokers' identity");
                ZooKeeperAcls.restrictExisting(zk, config.metadataRoot(), config.zookeeperSecurity().user()
                        .orElseThrow());
            }
            MetadataStore metadata = new MetadataStore(zk, config.metadataRoot());
            readiness.starting("connecting to the bookies");
            storage = BookKeeperStorage.connect(config, metadata, clock, metrics.storage());
            cluster = ClusterView.start(metadata);
            DynamicBrokerConfig dynamic = DynamicBrokerConfig.start(metadata, config);
            dynamicConfig = dynamic;
            scramCredentials = ScramCredentialCache.start(metadata);
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
                    new GroupCoordinator(logs, config.offsetsSnapshotRecords(), clock,
                            config.groupInitialRebalanceDelayMs(), config.consumerGroups(),
                            new ClusterGroupTopics(cluster), metrics.groups()), scramCredentials, clock, metrics,
                    metricsServer, readiness);
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
                if (scramCredentials != null) {
                    scramCredentials.close();
                }
                if (storage != null) {
                    storage.close();
                }
                zk.close();
                if (metricsServer != null) {
                    metricsServer.close();
                }
            }
            throw e;
        }
    }

    private void serve() throws Exception {
        BrokerIdentity identity = new BrokerIdentity(config.brokerId(), metadata.clusterId());
        cluster.onLeadersChanged(topic -> {
            if (cluster.leaders(topic).isEmpty()) {
                // The topic is gone: so are its series.
                metrics.topics().forget(topic);
            }
            if (topic.equals(OffsetStore.TOPIC)) {
                followGroupCoordinator();
            } else if (topic.equals(TransactionCoordinator.topic())) {
                followTransactionCoordinator();
            }
        });
        zk.getConnectionStateListenable().addListener(connectionStates);
        watchState();
        authorizer = AclAuthorizer.start(AuthorizerConfig.fromMap(config.given()), metadata);
        clientQuotas = ClientQuotaCache.start(metadata);
        ClientQuotaCache quotaLimits = clientQuotas;
        ClientQuotaManager quotas = new ClientQuotaManager(quotaLimits::limits, QuotaConfig.fromMap(config.given()),
                clock::millis, metrics.quotas());
        readiness.starting("opening the Kafka listeners");
        server = KafkaServer.start(config.network(), ServerSecurity.create(config.security(), scramCredentials),
                BrokerApis.create(topics, logs, cluster, identity, producerIds, groups, transactions,
                        new TransactionVerifier(config.brokerId(), transactions, cluster, brokerClient),
                        () -> controllerId(), new BrokerApis.Admin(dynamicConfig, () -> controller,
                                config.bookkeeperMetadataUri(), metadata.scramCredentials(), authorizer,
                                metadata.acls(), metadata.clientQuotas(), quotas), metrics),
                metrics.connections());
        readiness.starting("joining the cluster");
        registrar = BrokerRegistrar.register(metadata, registration(server.config()),
                config.zookeeperSessionTimeoutMs());
        controller = Controller.start(metadata, cluster, config.brokerId(), config.leaderBalanceDelayMs(),
                metrics.controller());
        readiness.starting("opening the internal topics and the partitions led here");
        groups.fixPartitionCount(OffsetsTopic.ensure(topics, config));
        topics.createTopicIfAbsent(TransactionCoordinator.topic(), transactions.partitionCount(),
                Map.of(LogConfig.CLEANUP_POLICY, "compact")).get(60, TimeUnit.SECONDS);
        // Leaders assigned before this broker started raise no change event: take up what it leads already.
        logs.openLedPartitions();
        followGroupCoordinator();
        followTransactionCoordinator();
        awaitGroupCoordinators();
        readiness.serving(zk, this::controllerId, logs);
        LOG.info("Broker {} started: Kafka protocol on {}, advertised as {}, {}ZooKeeper {}", config.brokerId(),
                NetworkConfig.format(server.config().listeners()),
                NetworkConfig.format(server.config().advertisedListeners()), metricsServer == null ? ""
                        : "metrics on http://" + config.metrics().hostOr(config.network().firstHost()) + ":"
                        + metricsServer.port() + "/metrics, ", config.zookeeperConnect());
    }

    /**
     * This broker as it registers: every listener's advertised address and security protocol. An empty advertised
     * host is resolved as Kafka resolves it, to the local host's canonical name.
     */
    private BrokerRegistration registration(NetworkConfig bound) throws UnknownHostException {
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>();
        for (Listener listener : bound.advertisedListeners()) {
            String host = listener.host().isEmpty() ? InetAddress.getLocalHost().getCanonicalHostName()
                    : listener.host();
            endpoints.add(new BrokerRegistration.Endpoint(listener.name(),
                    bound.securityProtocols().get(listener.name()), host, listener.port()));
        }
        return new BrokerRegistration(config.brokerId(), endpoints, config.rack());
    }

    /** Reports what the broker's parts know without recording it, read at each scrape. */
    private void watchState() {
        metrics.gauge("ledgerstream_partitions_led", "Partitions the controller assigned to this broker to lead",
                () -> logs.leadership().led());
        metrics.gauge("ledgerstream_partitions_open", "Partitions led here whose log is open, ready for appends",
                () -> logs.leadership().open());
        metrics.groups().watch(this::groupSizes);
    }

    /** The group coordinator's counts, or null when it does not answer in time (they are then left out). */
    private GroupMetrics.Sizes groupSizes() {
        try {
            return groups.sizes().get(GROUP_SIZES_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Group sizes left out of a scrape: {}", e.toString());
            return null;
        }
    }

    /**
     * Coordinates the groups of every offsets partition this broker leads, from the epoch it was given it in;
     * resigns the others. Nothing to do until the partition count is known. A partition that fails to load is tried
     * again shortly.
     */
    private synchronized void followGroupCoordinator() {
        for (int p = 0; p < groups.partitionCount(); p++) {
            int partition = p;
            Optional<PartitionLeaders.Leader> leader = cluster.leader(new TopicPartition(OffsetStore.TOPIC, partition));
            if (leader.isPresent() && leader.get().brokerId() == config.brokerId()) {
                groups.elect(partition, leader.get().epoch()).whenComplete((v, e) -> {
                    if (e != null) {
                        retryFollowingSoon();
                    }
                });
            } else {
                groups.resign(partition);
            }
        }
    }

    /** Follows the coordinators' partitions again shortly, once however many loads failed. */
    private void retryFollowingSoon() {
        if (scheduler.isShutdown() || !followRetryQueued.compareAndSet(false, true)) {
            return;
        }
        scheduler.schedule(() -> {
            followRetryQueued.set(false);
            followGroupCoordinator();
            followTransactionCoordinator();
        }, COORDINATOR_RETRY_MS, TimeUnit.MILLISECONDS);
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
                    if (e != null) {
                        retryFollowingSoon();
                    }
                });
            } else {
                transactions.resign(partition);
            }
        }
    }

    private void awaitGroupCoordinators() throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COORDINATOR_WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (groupCoordinatorsPlaced()) {
                return;
            }
            Thread.sleep(20);
        }
        LOG.warn("Some groups had no loaded coordinator after {} ms; their clients retry until they have one",
                COORDINATOR_WAIT_MS);
    }

    /** Whether every offsets partition has a live leader, and those this broker leads are loaded. */
    private boolean groupCoordinatorsPlaced() throws InterruptedException, ExecutionException, TimeoutException {
        Set<Integer> loaded = groups.coordinatedPartitions().get(COORDINATOR_WAIT_MS, TimeUnit.MILLISECONDS);
        for (int p = 0; p < groups.partitionCount(); p++) {
            Optional<BrokerRegistration> coordinator = cluster.liveLeader(new TopicPartition(OffsetStore.TOPIC, p));
            if (coordinator.isEmpty() || coordinator.get().id() == config.brokerId() && !loaded.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A broker that may have lost its ZooKeeper session stops writing at once: its partitions may be given to
     * another broker as soon as the session expires. Once reconnected it opens those it still leads.
     */
    private void onConnectionState(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            logs.closeAllLogs("the ZooKeeper connection is " + state);
            synchronized (this) {
                groups.resignAll();
                for (int p = 0; p < transactions.partitionCount(); p++) {
                    transactions.resign(p);
                }
            }
        } else if (state == ConnectionState.RECONNECTED) {
            logs.openLedPartitions();
            followGroupCoordinator();
            followTransactionCoordinator();
        }
    }

    /** The controller's id as this broker knows it; -1 when unknown. */
    private int controllerId() {
        Controller c = controller;
        return c == null ? -1 : c.controllerId();
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

    /** The ACL checks this broker makes, as it knows the ACLs now; null before it serves. */
    public AclAuthorizer authorizer() {
        return authorizer;
    }

    /** The client quotas this broker enforces, as it knows them now; null before it serves. */
    public ClientQuotaCache clientQuotas() {
        return clientQuotas;
    }

    /** The port the first Kafka-protocol listener is bound to. */
    public int kafkaPort() {
        return server.config().listeners().get(0).port();
    }

    /** The port the Kafka-protocol listener of that name is bound to. */
    public int kafkaPort(String listenerName) {
        return server.config().listener(listenerName)
                .orElseThrow(() -> new IllegalArgumentException("Broker " + config.brokerId() + " has no listener "
                        + listenerName)).port();
    }

    /** Client connections open now. */
    public int openConnections() {
        return server.openConnections();
    }

    /** The server's protection under load: connections refused, request bytes queued ({@link KafkaServer}). */
    public KafkaServer server() {
        return server;
    }

    /** The port {@code /metrics}, {@code /health} and {@code /ready} are served on; -1 when there are none. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /**
     * Stops serving, closes the logs cleanly (sealing their open ledgers), then leaves the cluster, so the brokers
     * that take the partitions over find nothing to recover. Everything stops after what depends on it: the
     * BookKeeper client after the logs written through it, the ZooKeeper session last.
     */
    @Override
    public void close() {
        readiness.stopping();
        stopServing();
        logs.close();
        closeQuietly(registrar);
        storage.close();
        zk.close();
        closeQuietly(metricsServer);
        LOG.info("Broker {} stopped", config.brokerId());
    }

    /**
     * Stops as if the process died: no log is closed or sealed and the ZooKeeper session ends at once, so the
     * controller moves the partitions and their new leaders recover the open ledgers. For fault tests.
     */
    public void halt() {
        readiness.stopping();
        stopServing();
        // Its node would go with the session anyway; closed first, it does not try to come back on a closed client.
        closeQuietly(registrar);
        zk.close();
        // Nothing is sealed or stored; only the memory the logs hold goes (the process would take it along).
        logs.halt();
        storage.close();
        closeQuietly(metricsServer);
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
        scramCredentials.close();
        if (authorizer != null) {
            authorizer.close();
        }
        if (clientQuotas != null) {
            clientQuotas.close();
        }
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
