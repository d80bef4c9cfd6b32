package io.ledgerstream.log.broker;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.metadata.MetadataStore;
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
 * A broker's storage side: its ZooKeeper session, its BookKeeper client, the {@link LogManager} of its partitions
 * and the periodic retention run. The Kafka-protocol front end is built on top of it.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final CuratorFramework zk;
    private final BookKeeperStorage storage;
    private final LogManager logs;
    private final ScheduledExecutorService scheduler;

    private Broker(BrokerConfig config, CuratorFramework zk, BookKeeperStorage storage, LogManager logs,
                   ScheduledExecutorService scheduler) {
        this.config = config;
        this.zk = zk;
        this.storage = storage;
        this.logs = logs;
        this.scheduler = scheduler;
    }

    /** Connects to ZooKeeper and the bookies and starts the retention schedule. */
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
                Thread t = new Thread(r, "ledgerstream-retention");
                t.setDaemon(true);
                return t;
            });
            long interval = config.retentionCheckIntervalMs();
            scheduler.scheduleWithFixedDelay(() -> {
                // A run that throws would cancel every later run, so failures end here, logged.
                try {
                    logs.enforceRetention().join();
                } catch (RuntimeException e) {
                    LOG.warn("Retention run failed: {}", e.toString());
                }
            }, interval, interval, TimeUnit.MILLISECONDS);
            LOG.info("Broker {} started on ZooKeeper {}", config.brokerId(), config.zookeeperConnect());
            return new Broker(config, zk, storage, logs, scheduler);
        } catch (Exception | Error e) {
            if (storage != null) {
                storage.close();
            }
            zk.close();
            throw e;
        }
    }

    public BrokerConfig config() {
        return config;
    }

    public LogManager logs() {
        return logs;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        logs.close();
        storage.close();
        zk.close();
        LOG.info("Broker {} stopped", config.brokerId());
    }
}
