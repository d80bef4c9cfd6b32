package io.ledgerstream.log.storage.bookkeeper.bookie;

import io.ledgerstream.log.storage.bookkeeper.BookKeeperTlsSettings;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.bookkeeper.bookie.Bookie;
import org.apache.bookkeeper.bookie.BookieImpl;
import org.apache.bookkeeper.client.BookKeeperAdmin;
import org.apache.bookkeeper.common.component.LifecycleComponentStack;
import org.apache.bookkeeper.conf.ServerConfiguration;
import org.apache.bookkeeper.server.EmbeddedServer;
import org.apache.bookkeeper.server.conf.BookieConfiguration;
import org.apache.bookkeeper.stats.prometheus.PrometheusMetricsProvider;
import org.apache.bookkeeper.tls.BookieAuthZFactory;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BookKeeper bookie (BookKeeper's own server classes) run in this process, with its journal and ledgers in
 * one folder and the journal fsynced on every write. A new folder stores ledgers with BookKeeper's DbLedgerStorage;
 * one written by an earlier version keeps SortedLedgerStorage (see {@link BookieStorage}). Used by the standalone
 * platform, the {@code bookie} command and tests. Given a metrics port, it serves BookKeeper's own stats at
 * {@code /metrics} there in Prometheus' text format, through BookKeeper's Prometheus stats provider; without one it
 * records none.
 *
 * <p>Thread-safe as far as BookKeeper's server is: this class only holds final references to it.
 */
public final class BookieNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BookieNode.class);
    private static final int READ_BUFFER_BYTES = 256 << 10;
    private static final int ARENA_CHUNK_BYTES = 256 << 10;
    /*
     * DbLedgerStorage's caches are direct memory, and BookKeeper's defaults take a quarter of the JVM's maximum direct
     * memory (by default the heap's maximum) for each cache of EACH bookie: three bookies in one process (standalone)
     * would ask for one and a half times all of it, with Netty's buffers still to come. These sizes are per bookie.
     */
    /**
     * Entries wait here until written to the entry log (half of it fills while the other half is flushed); a
     * producer at full speed writes some 22 MB/s to each of three bookies, so a half fills in about 1.5 s, time
     * for the previous one's flush. Adds wait (throttled) only if both halves are full.
     */
    private static final int WRITE_CACHE_MB = 64;
    /** Entries read ahead of a reader catching up; a read-ahead batch takes at most half of it. */
    private static final int READ_AHEAD_CACHE_MB = 32;
    /**
     * Entries read ahead per read that misses the cache (BookKeeper's default count), and at most this many bytes:
     * our entries are batches of up to a megabyte, and a batch of 100 of them would empty the cache for one reader.
     */
    private static final int READ_AHEAD_BATCH_ENTRIES = 100;
    private static final long READ_AHEAD_BATCH_BYTES = 4L << 20;
    /**
     * RocksDB's block cache for the entry locations index (BookKeeper's default: a tenth of max direct memory per
     * bookie). The index holds some 24 bytes per entry, and entries are batches, so a few megabytes cover it.
     */
    private static final long ROCKSDB_BLOCK_CACHE_BYTES = 16L << 20;
    /**
     * RocksDB's memtable for the locations index (BookKeeper's default 64 MB, up to four of them, native memory
     * outside every JVM limit): a few megabytes hold the locations of tens of thousands of batches between flushes.
     */
    private static final int ROCKSDB_WRITE_BUFFER_MB = 4;
    /** How long {@link #ensureCluster} waits for another bookie that is creating the cluster's metadata. */
    private static final long CLUSTER_CREATION_WAIT_MS = 30_000;
    /** BookKeeper's flag that a bookie's shutdown has been triggered; null if this BookKeeper has none. */
    private static final Field SHUTDOWN_TRIGGERED = shutdownTriggeredFlag();

    private final String host;
    private final int port;
    private final EmbeddedServer server;
    private final LifecycleComponentStack stack;
    private final BookieStorage storage;

    private BookieNode(String host, int port, EmbeddedServer server, BookieStorage storage) {
        this.host = host;
        this.port = port;
        this.server = server;
        this.stack = server.getLifecycleComponentStack();
        this.storage = storage;
    }

    /**
     * Creates BookKeeper's cluster znodes under {@code ledgersRoot} unless they exist. Bookies that start at the same
     * time may all call this:
     * <ol>
     *   <li>If the cluster's instance id exists, the cluster is complete: nothing to do.</li>
     *   <li>Otherwise create the cluster. Another caller may be creating it at the same moment: then creating
     *       fails (a znode exists) or answers that the cluster exists.</li>
     *   <li>In that case wait, up to {@link #CLUSTER_CREATION_WAIT_MS}, for the instance id, which BookKeeper
     *       writes once the rest is there; past that, fail with what went wrong.</li>
     * </ol>
     *
     * @param zk a connected client of the ZooKeeper the bookies will register in
     */
    public static void ensureCluster(CuratorFramework zk, String zookeeperConnect, String ledgersRoot) throws Exception {
        String instanceId = ledgersRoot + "/INSTANCEID";
        if (zk.checkExists().forPath(instanceId) != null) {
            return;
        }
        ServerConfiguration conf = new ServerConfiguration();
        conf.setMetadataServiceUri("zk+null://" + zookeeperConnect.replace(',', ';') + ledgersRoot);
        Exception failure = null;
        try {
            if (BookKeeperAdmin.initNewCluster(conf)) {
                LOG.info("Created BookKeeper cluster metadata under {}", ledgersRoot);
                return;
            }
        } catch (Exception e) {
            failure = e;
        }
        long deadline = System.nanoTime() + CLUSTER_CREATION_WAIT_MS * 1_000_000L;
        while (zk.checkExists().forPath(instanceId) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not create BookKeeper's cluster metadata under " + ledgersRoot
                        + (failure == null ? "" : ": " + failure.getMessage()), failure);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Starts a bookie on {@code 127.0.0.1:port}, registered in the given BookKeeper cluster. A bookie must keep its
     * port across restarts: it is its identity in the cluster.
     */
    public static BookieNode start(File dataDir, int port, String metadataServiceUri) throws Exception {
        return start(dataDir, "127.0.0.1", port, metadataServiceUri);
    }

    /**
     * Starts a bookie advertised as {@code host:port} (its identity in the cluster; on one machine, another
     * loopback address such as 127.0.0.2 lets rack placement tell bookies apart, since racks go by host).
     */
    public static BookieNode start(File dataDir, String host, int port, String metadataServiceUri) throws Exception {
        return start(dataDir, host, port, metadataServiceUri, null, -1);
    }

    /**
     * Starts a bookie as {@link #start(File, String, int, String)} does, serving its stats on
     * {@code http://metricsHost:metricsPort/metrics} when {@code metricsPort} is not -1.
     */
    public static BookieNode start(File dataDir, String host, int port, String metadataServiceUri, String metricsHost,
                                   int metricsPort) throws Exception {
        return start(dataDir, host, port, metadataServiceUri, metricsHost, metricsPort, Optional.empty());
    }

    /**
     * Starts a bookie as {@link #start(File, String, int, String, String, int)} does, serving TLS when {@code tls}
     * is given (see {@link BookieTls} for whom it serves).
     */
    public static BookieNode start(File dataDir, String host, int port, String metadataServiceUri, String metricsHost,
                                   int metricsPort, Optional<BookieTls> tls) throws Exception {
        return start(dataDir, host, port, metadataServiceUri, metricsHost, metricsPort, tls, BookieStorage.DB);
    }

    /**
     * Starts a bookie as {@link #start(File, String, int, String, String, int, Optional)} does, with
     * {@code forNewFolder} as the storage of a folder that holds no bookie data yet (tests make folders of the old
     * storage with it).
     */
    static BookieNode start(File dataDir, String host, int port, String metadataServiceUri, String metricsHost,
                            int metricsPort, Optional<BookieTls> tls, BookieStorage forNewFolder) throws Exception {
        File journal = new File(dataDir, "journal");
        File ledgers = new File(dataDir, "ledgers");
        if (!journal.isDirectory() && !journal.mkdirs() || !ledgers.isDirectory() && !ledgers.mkdirs()) {
            throw new IOException("Cannot create bookie folders under " + dataDir);
        }
        BookieStorage storage = BookieStorage.of(dataDir, forNewFolder);
        ServerConfiguration conf = new ServerConfiguration();
        conf.setMetadataServiceUri(metadataServiceUri);
        conf.setBookiePort(port);
        conf.setAdvertisedAddress(host);
        conf.setAllowLoopback(true);
        conf.setJournalDirName(journal.getPath());
        conf.setLedgerDirNames(new String[] {ledgers.getPath()});
        conf.setJournalSyncData(true);
        // Fsync as soon as the journal queue is empty instead of waiting for more entries to group: a producer
        // waiting on its acknowledgement is not going to send more.
        conf.setJournalFlushWhenQueueEmpty(true);
        conf.setHttpServerEnabled(false);
        // BookKeeper's in-JVM transport (enableLocalTransport) stays off although the standalone platform's broker
        // shares the JVM: it took an eighth off the CPU a produced record costs, but in BookKeeper 4.17 its server
        // pipeline lacks the encoder of multi-buffer responses, so every batch read fails and falls back to reads
        // of single entries (logging an error each time): a 1 GB catch-up read fell from 194 to 139 MB/s.
        // Entry logs (both storages write them) of 128 MiB instead of 1 GiB: a log's space comes back only once all
        // of its ledgers are deleted (or it is compacted), so smaller logs give disk space back sooner.
        conf.setEntryLogSizeLimit(128L * 1024 * 1024);
        // Entries are read through a buffer of this size: BookKeeper's default of 512 bytes makes every read of a
        // 16 KiB batch some thirty system calls, while a consumer catching up reads the entry log sequentially.
        conf.setReadBufferBytes(READ_BUFFER_BYTES);
        configureStorage(conf, storage);
        conf.setDiskUsageThreshold(0.99f);
        conf.setDiskUsageWarnThreshold(0.98f);
        if (metricsPort >= 0) {
            // BookKeeper's provider serves its stats over HTTP itself while BookKeeper's own HTTP server is off.
            conf.setStatsProviderClass(PrometheusMetricsProvider.class);
            conf.setProperty(PrometheusMetricsProvider.PROMETHEUS_STATS_HTTP_ADDRESS, metricsHost);
            conf.setProperty(PrometheusMetricsProvider.PROMETHEUS_STATS_HTTP_PORT, metricsPort);
        }
        tls.ifPresent(t -> {
            BookKeeperTlsSettings.apply(t.material(), conf);
            if (!t.authorizedRoles().isEmpty()) {
                conf.setTLSClientAuthentication(true);
                conf.setBookieAuthProviderFactoryClass(BookieAuthZFactory.class.getName());
                conf.setAuthorizedRoles(String.join(",", t.authorizedRoles()));
            }
        });
        EmbeddedServer server = EmbeddedServer.builder(new BookieConfiguration(conf)).build();
        server.getLifecycleComponentStack().start();
        LOG.info("Bookie {}:{} started with data in {} ({}){}{}", host, port, dataDir, storage.className(),
                tls.map(t -> t.authorizedRoles().isEmpty() ? ", TLS offered" : ", TLS required of roles "
                        + t.authorizedRoles()).orElse(""),
                metricsPort >= 0 ? ", stats on http://" + metricsHost + ":" + metricsPort + "/metrics" : "");
        return new BookieNode(host, port, server, storage);
    }

    private static void configureStorage(ServerConfiguration conf, BookieStorage storage) {
        conf.setLedgerStorageClass(storage.className());
        if (storage == BookieStorage.SORTED) {
            // The memtable copies entries into arena chunks of 4 MiB by default: humongous objects for G1, each one
            // starting a concurrent cycle, which in a JVM shared with a broker stretched produce latency by pauses of
            // up to 200 ms. Chunks this size are ordinary young-generation arrays.
            conf.setSkipListArenaChunkSize(ARENA_CHUNK_BYTES);
            return;
        }
        conf.setProperty("dbStorage_writeCacheMaxSizeMb", WRITE_CACHE_MB);
        conf.setProperty("dbStorage_readAheadCacheMaxSizeMb", READ_AHEAD_CACHE_MB);
        conf.setProperty("dbStorage_readAheadCacheBatchSize", READ_AHEAD_BATCH_ENTRIES);
        conf.setProperty("dbStorage_readAheadCacheBatchBytesSize", READ_AHEAD_BATCH_BYTES);
        conf.setProperty("dbStorage_rocksDB_blockCacheSize", ROCKSDB_BLOCK_CACHE_BYTES);
        conf.setProperty("dbStorage_rocksDB_writeBufferSizeMB", ROCKSDB_WRITE_BUFFER_MB);
    }

    public int port() {
        return port;
    }

    /** The ledger storage this bookie runs, as its folder recorded it. */
    public BookieStorage storage() {
        return storage;
    }

    /** The bookie's identity in the cluster. */
    public String bookieId() {
        return host + ":" + port;
    }

    /**
     * Stops answering requests while staying connected and registered, as a bookie behind a stalled disk does; for
     * fault tests. Writers then wait on it rather than fail.
     */
    public void suspend() {
        server.getBookieService().getServer().suspendProcessing();
        LOG.info("Bookie {} suspended", bookieId());
    }

    /** Answers requests again after {@link #suspend}, the ones that waited first. */
    public void resume() {
        server.getBookieService().getServer().resumeProcessing();
        LOG.info("Bookie {} resumed", bookieId());
    }

    /** Stops the bookie; its data stays in its folder for a restart. */
    @Override
    public void close() {
        markShutdownUnderWay();
        stack.close();
        LOG.info("Bookie {} stopped", bookieId());
    }

    /**
     * Tells the bookie that its shutdown is under way, before it starts. A BookKeeper 4.17 bookie shuts itself down
     * whenever its journal thread ends, and the journal ends in every shutdown: its exit starts a thread
     * ({@code BookieShutdownTrigger}) that waits for the shutdown under way and runs a second one if it gets the
     * bookie's lock after the first released it but before the first marked the bookie stopped. That second one fails
     * on executors the first already stopped (ERROR "Got Exception while trying to shutdown Bookie", a
     * {@code RejectedExecutionException}). The bookie triggers its own shutdown only once: with its flag set here,
     * the journal's exit triggers nothing.
     */
    private void markShutdownUnderWay() {
        Bookie bookie = server.getBookieService().getServer().getBookie();
        if (SHUTDOWN_TRIGGERED == null || !(bookie instanceof BookieImpl)) {
            LOG.warn("Bookie {}: cannot mark its shutdown as under way ({} has no shutdown flag); its journal may "
                    + "shut it down a second time", bookieId(), bookie.getClass().getName());
            return;
        }
        try {
            ((AtomicBoolean) SHUTDOWN_TRIGGERED.get(bookie)).set(true);
        } catch (IllegalAccessException e) {
            LOG.warn("Bookie {}: cannot mark its shutdown as under way: {}", bookieId(), e.toString());
        }
    }

    private static Field shutdownTriggeredFlag() {
        try {
            Field flag = BookieImpl.class.getDeclaredField("shutdownTriggered");
            if (flag.getType() != AtomicBoolean.class) {
                return null;
            }
            flag.setAccessible(true);
            return flag;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }
}
