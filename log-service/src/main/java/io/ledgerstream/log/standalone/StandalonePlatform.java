package io.ledgerstream.log.standalone;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.Listener;
import io.ledgerstream.log.config.MetricsConfig;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieNode;
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
 * The whole log in one process: ZooKeeper, bookies and one or more brokers, all data under one folder
 * ({@code zookeeper/}, {@code bookie-N/}; brokers keep nothing of their own). Starting it again on the same folder
 * and ports finds every acknowledged batch where it was.
 *
 * <p>Thread-safe: the brokers and ZooKeeper stay the same from start to close, and bookies are listed, stopped,
 * started and closed under the platform's lock, so a fault run may stop bookies from any thread while another
 * closes the platform.
 */
public final class StandalonePlatform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandalonePlatform.class);
    private static final long BOOKIE_REGISTRATION_TIMEOUT_MS = 30_000;
    /** Where the bookies listen and serve their stats: on loopback, as the brokers reach them. */
    private static final String BOOKIE_HOST = "127.0.0.1";

    /**
     * Where and how to run.
     *
     * @param zookeeperPort    ZooKeeper's client port (0 picks a free one)
     * @param firstBookiePort  bookie N listens on {@code firstBookiePort + N}; fixed, as ports identify bookies
     * @param brokerSettings   broker configuration keys ({@code zookeeper.connect} is set by the platform)
     * @param brokers          how many brokers: broker N gets {@code broker.id} N, the listener's port plus N (or a
     *                         free port when the listener's is 0) and likewise the metrics port
     *                         ({@code metrics.http.port}) plus N
     * @param firstBookieMetricsPort bookie N serves BookKeeper's own stats (journal, entry log, requests) on
     *                         {@code http://127.0.0.1:firstBookieMetricsPort+N/metrics}; -1: none
     */
    public record Settings(File dataDir, int zookeeperPort, int firstBookiePort, int bookies,
                           Map<String, String> brokerSettings, int brokers, int firstBookieMetricsPort) {

        /** Bookies without stats. */
        public Settings(File dataDir, int zookeeperPort, int firstBookiePort, int bookies,
                        Map<String, String> brokerSettings, int brokers) {
            this(dataDir, zookeeperPort, firstBookiePort, bookies, brokerSettings, brokers, -1);
        }

        /** One broker. */
        public Settings(File dataDir, int zookeeperPort, int firstBookiePort, int bookies,
                        Map<String, String> brokerSettings) {
            this(dataDir, zookeeperPort, firstBookiePort, bookies, brokerSettings, 1);
        }

        /** The embedded default: {@code ./data}, ZooKeeper on 2181, 3 bookies on 3181-3183. */
        public static Settings defaults(File dataDir) {
            return new Settings(dataDir, 2181, 3181, 3, Map.of());
        }

        /** These settings with bookie N serving its stats on {@code port + N} (-1: none). */
        public Settings withBookieMetricsPort(int port) {
            return new Settings(dataDir, zookeeperPort, firstBookiePort, bookies, brokerSettings, brokers, port);
        }
    }

    private final EmbeddedZooKeeper zooKeeper;
    @GuardedBy("this")
    private final List<BookieNode> bookies;
    private final List<Broker> brokers;
    private final Settings settings;
    private final String bookkeeperMetadataUri;
    /** Set once {@link #close} began: no bookie is stopped or started after it. */
    @GuardedBy("this")
    private boolean closed;

    private StandalonePlatform(EmbeddedZooKeeper zooKeeper, List<BookieNode> bookies, List<Broker> brokers,
                               Settings settings, String bookkeeperMetadataUri) {
        this.zooKeeper = zooKeeper;
        this.bookies = bookies;
        this.brokers = brokers;
        this.settings = settings;
        this.bookkeeperMetadataUri = bookkeeperMetadataUri;
    }

    /**
     * Something to store in the platform's metadata before any broker starts (such as the first user's
     * credentials, without which nobody could log in).
     */
    @FunctionalInterface
    public interface MetadataSetup {
        void apply(MetadataStore metadata) throws Exception;
    }

    /** Starts the platform with nothing to set up in its metadata first. */
    public static StandalonePlatform start(Settings settings, Clock clock) throws Exception {
        return start(settings, clock, metadata -> { });
    }

    /**
     * Starts the platform.
     * <ol>
     *   <li>Start ZooKeeper on its folder.</li>
     *   <li>Create BookKeeper's cluster metadata if this is the first start; apply {@code setup} to the brokers'
     *       metadata.</li>
     *   <li>Start the bookies and wait (bounded) until all have registered.</li>
     *   <li>Start the brokers against them, one after another.</li>
     * </ol>
     * Whatever started is stopped again if a later step fails.
     */
    public static StandalonePlatform start(Settings settings, Clock clock, MetadataSetup setup) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(new File(settings.dataDir(), "zookeeper"),
                    settings.zookeeperPort());
            started.add(zooKeeper);
            Map<String, String> brokerSettings = new HashMap<>(settings.brokerSettings());
            brokerSettings.put(BrokerConfig.ZOOKEEPER_CONNECT, zooKeeper.connectString());
            // Brokers sharing this JVM share its heap: a quarter of it for their caches together, not each.
            brokerSettings.putIfAbsent(BrokerConfig.LOG_CACHE_BYTES,
                    Long.toString(Runtime.getRuntime().maxMemory() / 4 / settings.brokers()));
            BrokerConfig config = BrokerConfig.fromMap(brokerSettings);

            List<BookieNode> bookies = new ArrayList<>();
            try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), 10_000, 10_000,
                    new RetryOneTime(100))) {
                zk.start();
                BookieNode.ensureCluster(zk, zooKeeper.connectString(), config.bookkeeperLedgersRoot());
                setup.apply(new MetadataStore(zk, config.metadataRoot()));
                for (int i = 0; i < settings.bookies(); i++) {
                    BookieNode bookie = startBookieNode(settings, i, config.bookkeeperMetadataUri());
                    started.add(bookie);
                    bookies.add(bookie);
                }
                awaitBookies(zk, config.bookkeeperLedgersRoot() + "/available", settings.bookies());
            }
            List<Broker> brokers = new ArrayList<>();
            for (int id = 0; id < settings.brokers(); id++) {
                Broker broker = Broker.start(brokerConfig(brokerSettings, id), clock);
                started.add(broker);
                brokers.add(broker);
            }
            LOG.info("Standalone platform up: ZooKeeper {}, {} bookies, {} broker(s), data in {}",
                    zooKeeper.connectString(), bookies.size(), brokers.size(), settings.dataDir().getAbsolutePath());
            return new StandalonePlatform(zooKeeper, bookies, brokers, settings, config.bookkeeperMetadataUri());
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

    /**
     * Broker {@code id}'s settings: its id, and when there are several, its own ports: every listener's port, and
     * advertised port when advertised listeners are given, is the first broker's plus the id (0 stays 0); so is its
     * metrics port.
     */
    private static BrokerConfig brokerConfig(Map<String, String> settings, int id) {
        if (id == 0) {
            return BrokerConfig.fromMap(settings);
        }
        Map<String, String> own = new HashMap<>(settings);
        own.put(BrokerConfig.BROKER_ID, Integer.toString(id));
        NetworkConfig network = NetworkConfig.fromMap(settings);
        own.put(NetworkConfig.LISTENERS, NetworkConfig.format(shifted(network.listeners(), id)));
        if (settings.containsKey(NetworkConfig.ADVERTISED_LISTENERS)) {
            own.put(NetworkConfig.ADVERTISED_LISTENERS, NetworkConfig.format(shifted(network.advertisedListeners(),
                    id)));
        }
        int metricsPort = BrokerConfig.fromMap(settings).metrics().port();
        if (metricsPort > 0) {
            own.put(MetricsConfig.HTTP_PORT, Integer.toString(metricsPort + id));
        }
        return BrokerConfig.fromMap(own);
    }

    private static List<Listener> shifted(List<Listener> listeners, int by) {
        return listeners.stream().map(l -> l.port() == 0 ? l : l.withPort(l.port() + by)).toList();
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

    /** The first broker (id 0). */
    public Broker broker() {
        return brokers.get(0);
    }

    /** Every broker, by id. */
    public List<Broker> brokers() {
        return List.copyOf(brokers);
    }

    public String zookeeperConnect() {
        return zooKeeper.connectString();
    }

    /** The bookies by index; null for one stopped by {@link #stopBookie}. */
    public synchronized List<BookieNode> bookies() {
        return java.util.Collections.unmodifiableList(new ArrayList<>(bookies));
    }

    /** Stops bookie {@code index} (its data stays), for fault runs. */
    public synchronized void stopBookie(int index) {
        BookieNode bookie = closed ? null : bookies.set(index, null);
        if (bookie != null) {
            bookie.close();
        }
    }

    /** Starts bookie {@code index} again on its folder and port. */
    public synchronized void startBookie(int index) throws Exception {
        if (closed) {
            throw new IllegalStateException("The platform is closed");
        }
        if (bookies.get(index) == null) {
            bookies.set(index, startBookieNode(settings, index, bookkeeperMetadataUri));
        }
    }

    /**
     * Bookie {@code index}: its own folder under the data folder, the port after the first bookie's, and likewise its
     * stats port when there are stats.
     */
    private static BookieNode startBookieNode(Settings settings, int index, String metadataUri) throws Exception {
        return BookieNode.start(new File(settings.dataDir(), "bookie-" + index), BOOKIE_HOST,
                settings.firstBookiePort() + index, metadataUri, BOOKIE_HOST,
                settings.firstBookieMetricsPort() < 0 ? -1 : settings.firstBookieMetricsPort() + index);
    }

    /**
     * Stops everything after what depends on it: the brokers first (closing their logs cleanly, then their BookKeeper
     * clients and ZooKeeper sessions), then the bookies, then ZooKeeper. Closing again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = brokers.size() - 1; i >= 0; i--) {
            brokers.get(i).close();
        }
        for (int i = bookies.size() - 1; i >= 0; i--) {
            if (bookies.get(i) != null) {
                bookies.get(i).close();
            }
        }
        zooKeeper.close();
        LOG.info("Standalone platform stopped");
    }
}
