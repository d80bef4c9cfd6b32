package io.ledgerstream.log.broker;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.network.KafkaServer;
import io.ledgerstream.log.protocol.handlers.BrokerApis;
import io.ledgerstream.log.protocol.handlers.BrokerIdentity;
import io.ledgerstream.log.storage.bookkeeper.BookKeeperStorage;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker: its ZooKeeper session, its BookKeeper client, the {@link LogManager} of its partitions, the periodic
 * retention and compaction runs and the Kafka-protocol server in front of them.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final CuratorFramework zk;
    private final BookKeeperStorage storage;
    private final LogManager logs;
    private final ScheduledExecutorService scheduler;
    private final KafkaServer server;
    private final GroupCoordinator groups;

    private Broker(BrokerConfig config, CuratorFramework zk, BookKeeperStorage storage, LogManager logs,
                   ScheduledExecutorService scheduler, KafkaServer server, GroupCoordinator groups) {
        this.config = config;
        this.zk = zk;
        this.storage = storage;
        this.logs = logs;
        this.scheduler = scheduler;
        this.server = server;
        this.groups = groups;
    }

    /** Connects to ZooKeeper and the bookies, starts the retention and compaction schedules and the Kafka-protocol listener. */
    public static Broker start(BrokerConfig config, Clock clock) throws Exception {
        CuratorFramework zk = CuratorFrameworkFactory.builder()
                .connectString(config.zookeeperConnect())
                .sessionTimeoutMs(config.zookeeperSessionTimeoutMs())
                .connectionTimeoutMs(Math.min(15_000, config.zookeeperSessionTimeoutMs()))
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000))
                .build();
        zk.start();
        BookKeeperStorage storage = null;
        try {
            if (!zk.blockUntilConnected(config.zookeeperSessionTimeoutMs(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Could not reach ZooKeeper at " + config.zookeeperConnect()
                        + " within " + config.zookeeperSessionTimeoutMs() + " ms");
            }
            MetadataStore metadata = new MetadataStore(zk, config.metadataRoot());
            storage = BookKeeperStorage.connect(config, metadata, clock);
            LogManager logs = new LogManager(metadata, storage, config, clock);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ledgerstream-log-maintenance");
                t.setDaemon(true);
                return t;
            });
            every(scheduler, config.retentionCheckIntervalMs(), "Retention", () -> logs.enforceRetention().join());
            if (config.cleanerEnabled()) {
                every(scheduler, config.cleanerBackoffMs(), "Compaction", () -> logs.compact().join());
            }
            NetworkConfig network = config.network();
            if (network.port() == 0) {
                // Clients must be told the real port, so pick it before the APIs that advertise it are built.
                network = network.withBoundPort(freePort(network.host()));
            }
            BrokerIdentity identity = new BrokerIdentity(config.brokerId(), network.advertisedHost(),
                    network.advertisedPort(), metadata.clusterId());
            GroupCoordinator groups = new GroupCoordinator(config.groupInitialRebalanceDelayMs());
            try {
                groups.load(OffsetStore.open(logs, config.offsetsSnapshotRecords()).get(60, TimeUnit.SECONDS)).get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                groups.close();
                scheduler.shutdownNow();
                throw e;
            }
            KafkaServer server;
            try {
                server = KafkaServer.start(network, BrokerApis.create(logs, identity,
                        new ProducerIdAllocator(zk, config.metadataRoot()), groups));
            } catch (Exception | Error e) {
                scheduler.shutdownNow();
                groups.close();
                throw e;
            }
            LOG.info("Broker {} started: Kafka protocol on {}:{}, ZooKeeper {}", config.brokerId(),
                    network.host(), server.config().port(), config.zookeeperConnect());
            return new Broker(config, zk, storage, logs, scheduler, server, groups);
        } catch (Exception | Error e) {
            if (storage != null) {
                storage.close();
            }
            zk.close();
            throw e;
        }
    }

    /** Runs {@code run} every {@code intervalMs}; a run that fails is logged and the next one still comes. */
    private static void every(ScheduledExecutorService scheduler, long intervalMs, String what, Runnable run) {
        scheduler.scheduleWithFixedDelay(() -> {
            // A run that throws would cancel every later run, so failures end here, logged.
            try {
                run.run();
            } catch (RuntimeException e) {
                LOG.warn("{} run failed: {}", what, e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    public BrokerConfig config() {
        return config;
    }

    public LogManager logs() {
        return logs;
    }

    /** The port the Kafka-protocol listener is bound to. */
    public int kafkaPort() {
        return server.config().port();
    }

    @Override
    public void close() {
        server.close();
        groups.close();
        scheduler.shutdownNow();
        logs.close();
        storage.close();
        zk.close();
        LOG.info("Broker {} stopped", config.brokerId());
    }
}
