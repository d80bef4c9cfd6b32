package io.ledgerstream.log.standalone;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.storage.bookkeeper.BookieNode;
import java.io.File;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole log in one process: ZooKeeper, bookies and a broker, all data under one folder
 * ({@code zookeeper/}, {@code bookie-N/}). Starting it again on the same folder and ports finds every acknowledged
 * batch where it was.
 */
public final class StandalonePlatform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandalonePlatform.class);
    private static final long BOOKIE_REGISTRATION_TIMEOUT_MS = 30_000;

    /**
     * Where and how to run.
     *
     * @param zookeeperPort    ZooKeeper's client port (0 picks a free one)
     * @param firstBookiePort  bookie N listens on {@code firstBookiePort + N}; fixed, as ports identify bookies
     * @param brokerSettings   broker configuration keys ({@code zookeeper.connect} is set by the platform)
     */
    public record Settings(File dataDir, int zookeeperPort, int firstBookiePort, int bookies,
                           Map<String, String> brokerSettings) {

        /** The embedded default: {@code ./data}, ZooKeeper on 2181, 3 bookies on 3181-3183. */
        public static Settings defaults(File dataDir) {
            return new Settings(dataDir, 2181, 3181, 3, Map.of());
        }
    }

    private final EmbeddedZooKeeper zooKeeper;
    private final List<BookieNode> bookies;
    private final Broker broker;

    private StandalonePlatform(EmbeddedZooKeeper zooKeeper, List<BookieNode> bookies, Broker broker) {
        this.zooKeeper = zooKeeper;
        this.bookies = bookies;
        this.broker = broker;
    }

    /**
     * Starts the platform.
     * <ol>
     *   <li>Start ZooKeeper on its folder.</li>
     *   <li>Create BookKeeper's cluster metadata if this is the first start.</li>
     *   <li>Start the bookies and wait (bounded) until all have registered.</li>
     *   <li>Start the broker against them.</li>
     * </ol>
     * Whatever started is stopped again if a later step fails.
     */
    public static StandalonePlatform start(Settings settings, Clock clock) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(new File(settings.dataDir(), "zookeeper"),
                    settings.zookeeperPort());
            started.add(zooKeeper);
            Map<String, String> brokerSettings = new HashMap<>(settings.brokerSettings());
            brokerSettings.put(BrokerConfig.ZOOKEEPER_CONNECT, zooKeeper.connectString());
            BrokerConfig config = BrokerConfig.fromMap(brokerSettings);

            List<BookieNode> bookies = new ArrayList<>();
            try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), 10_000, 10_000,
                    new RetryOneTime(100))) {
                zk.start();
                BookieNode.ensureCluster(zk, zooKeeper.connectString(), config.bookkeeperLedgersRoot());
                for (int i = 0; i < settings.bookies(); i++) {
                    BookieNode bookie = BookieNode.start(new File(settings.dataDir(), "bookie-" + i),
                            settings.firstBookiePort() + i, config.bookkeeperMetadataUri());
                    started.add(bookie);
                    bookies.add(bookie);
                }
                awaitBookies(zk, config.bookkeeperLedgersRoot() + "/available", settings.bookies());
            }
            Broker broker = Broker.start(config, clock);
            LOG.info("Standalone platform up: ZooKeeper {}, {} bookies, data in {}", zooKeeper.connectString(),
                    bookies.size(), settings.dataDir().getAbsolutePath());
            return new StandalonePlatform(zooKeeper, bookies, broker);
        } catch (Exception | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static void awaitBookies(CuratorFramework zk, String availablePath, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOOKIE_REGISTRATION_TIMEOUT_MS);
        while (true) {
            long writable = zk.getChildren().forPath(availablePath).stream().filter(c -> !c.equals("readonly")).count();
            if (writable >= expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Only " + writable + " of " + expected + " bookies registered within "
                        + BOOKIE_REGISTRATION_TIMEOUT_MS + " ms");
            }
            Thread.sleep(50);
        }
    }

    public Broker broker() {
        return broker;
    }

    public String zookeeperConnect() {
        return zooKeeper.connectString();
    }

    public List<BookieNode> bookies() {
        return List.copyOf(bookies);
    }

    /** Stops the broker (closing its logs cleanly), then the bookies, then ZooKeeper. */
    @Override
    public void close() {
        broker.close();
        for (int i = bookies.size() - 1; i >= 0; i--) {
            bookies.get(i).close();
        }
        zooKeeper.close();
        LOG.info("Standalone platform stopped");
    }
}
