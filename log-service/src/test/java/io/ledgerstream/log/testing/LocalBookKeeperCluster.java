package io.ledgerstream.log.testing;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.standalone.EmbeddedZooKeeper;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieNode;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieTls;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.bookkeeper.net.BookieId;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * A real ZooKeeper and real bookies in this process, on free ports, for tests; bookies can be stopped and restarted,
 * and can serve TLS.
 */
public final class LocalBookKeeperCluster implements AutoCloseable {
    private final File dir;
    private final EmbeddedZooKeeper zooKeeper;
    private final CuratorFramework zk;
    private final int[] bookiePorts;
    private final String[] bookieHosts;
    private final Optional<BookieTls> bookieTls;
    private final List<BookieNode> bookies = new ArrayList<>();

    private LocalBookKeeperCluster(File dir, EmbeddedZooKeeper zooKeeper, CuratorFramework zk, int[] bookiePorts,
                                   String[] bookieHosts, Optional<BookieTls> bookieTls) {
        this.dir = dir;
        this.bookieTls = bookieTls;
        this.zooKeeper = zooKeeper;
        this.zk = zk;
        this.bookiePorts = bookiePorts;
        this.bookieHosts = bookieHosts;
    }

    public static LocalBookKeeperCluster start(File dir, int bookieCount) throws Exception {
        String[] hosts = new String[bookieCount];
        java.util.Arrays.fill(hosts, "127.0.0.1");
        return start(dir, hosts);
    }

    /** Starts {@code bookieCount} bookies on 127.0.0.1 that serve TLS as {@code bookieTls} says. */
    public static LocalBookKeeperCluster start(File dir, int bookieCount, BookieTls bookieTls) throws Exception {
        String[] hosts = new String[bookieCount];
        java.util.Arrays.fill(hosts, "127.0.0.1");
        return start(dir, Optional.of(bookieTls), hosts);
    }

    /** Starts one bookie per host given (loopback addresses such as 127.0.0.2), each on a free port. */
    public static LocalBookKeeperCluster start(File dir, String... bookieHosts) throws Exception {
        return start(dir, Optional.empty(), bookieHosts);
    }

    private static LocalBookKeeperCluster start(File dir, Optional<BookieTls> bookieTls, String... bookieHosts)
            throws Exception {
        int bookieCount = bookieHosts.length;
        EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(new File(dir, "zookeeper"), 0);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), 20_000, 10_000,
                new RetryOneTime(100));
        zk.start();
        BookieNode.ensureCluster(zk, zooKeeper.connectString(), "/ledgers");
        int[] ports = new int[bookieCount];
        for (int i = 0; i < bookieCount; i++) {
            ports[i] = FreePorts.consecutive(1);
        }
        LocalBookKeeperCluster cluster = new LocalBookKeeperCluster(dir, zooKeeper, zk, ports, bookieHosts,
                bookieTls);
        for (int i = 0; i < bookieCount; i++) {
            cluster.bookies.add(null);
            cluster.startBookie(i);
        }
        return cluster;
    }

    public String zookeeperConnect() {
        return zooKeeper.connectString();
    }

    public CuratorFramework zk() {
        return zk;
    }

    /** Broker settings pointing at this cluster, plus {@code overrides}. */
    public BrokerConfig brokerConfig(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(overrides);
        values.put(BrokerConfig.ZOOKEEPER_CONNECT, zookeeperConnect());
        return BrokerConfig.fromMap(values);
    }

    public int bookieIndexOfPort(int port) {
        for (int i = 0; i < bookiePorts.length; i++) {
            if (bookiePorts[i] == port) {
                return i;
            }
        }
        throw new IllegalArgumentException("no bookie on port " + port);
    }

    public void stopBookie(int index) {
        bookies.get(index).close();
        bookies.set(index, null);
    }

    /** Stops the bookie known to BookKeeper as {@code bookie} (host:port). */
    public void stopBookie(BookieId bookie) {
        String id = bookie.toString();
        stopBookie(bookieIndexOfPort(Integer.parseInt(id.substring(id.lastIndexOf(':') + 1))));
    }

    /** The ensembles of ledger {@code ledgerId} by first entry, read from its metadata with a client of its own. */
    public NavigableMap<Long, ? extends List<BookieId>> ensembles(long ledgerId) throws Exception {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri("zk+null://" + zookeeperConnect() + "/ledgers");
        try (BookKeeper bk = BookKeeper.newBuilder(conf).build()) {
            return bk.getLedgerMetadata(ledgerId).get(30, TimeUnit.SECONDS).getAllEnsembles();
        }
    }

    /** Every running bookie stops answering while staying connected, as behind a stalled disk. */
    public void suspendBookies() {
        bookies.stream().filter(java.util.Objects::nonNull).forEach(BookieNode::suspend);
    }

    public void resumeBookies() {
        bookies.stream().filter(java.util.Objects::nonNull).forEach(BookieNode::resume);
    }

    public void startBookie(int index) throws Exception {
        bookies.set(index, BookieNode.start(new File(dir, "bookie-" + index), bookieHosts[index], bookiePorts[index],
                "zk+null://" + zookeeperConnect() + "/ledgers", null, -1, bookieTls));
        String path = "/ledgers/available/" + bookieHosts[index] + ":" + bookiePorts[index];
        Await.until("bookie " + index + " to register", java.time.Duration.ofSeconds(30), () -> {
            try {
                return zk.checkExists().forPath(path) != null;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        for (BookieNode b : bookies) {
            if (b != null) {
                b.close();
            }
        }
        zk.close();
        zooKeeper.close();
    }

}
