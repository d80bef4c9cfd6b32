package io.ledgerstream.log.storage.bookkeeper.bookie;

import io.ledgerstream.log.standalone.EmbeddedZooKeeper;
import io.ledgerstream.log.testing.Await;
import java.time.Duration;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/** What the bookie tests share: ZooKeeper with BookKeeper's metadata, a bookie's registration, a client. */
final class BookieTesting {
    private BookieTesting() {
    }

    /** A started ZooKeeper client of {@code zooKeeper}, with BookKeeper's cluster metadata under /ledgers. */
    static CuratorFramework connect(EmbeddedZooKeeper zooKeeper) throws Exception {
        CuratorFramework zk = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), 20_000, 10_000,
                new RetryOneTime(100));
        zk.start();
        BookieNode.ensureCluster(zk, zooKeeper.connectString(), "/ledgers");
        return zk;
    }

    /** The metadata service URI of the BookKeeper cluster under /ledgers. */
    static String metadata(EmbeddedZooKeeper zooKeeper) {
        return "zk+null://" + zooKeeper.connectString() + "/ledgers";
    }

    /** Waits until {@code bookie} is registered as available, as clients find it. */
    static BookieNode awaitRegistered(CuratorFramework zk, BookieNode bookie) {
        Await.until("the bookie to register", Duration.ofSeconds(30), () -> {
            try {
                return zk.checkExists().forPath("/ledgers/available/" + bookie.bookieId()) != null;
            } catch (Exception e) {
                return false;
            }
        });
        return bookie;
    }

    /** A BookKeeper client of the cluster under /ledgers. */
    static BookKeeper client(EmbeddedZooKeeper zooKeeper) throws Exception {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(metadata(zooKeeper));
        return BookKeeper.newBuilder(conf).build();
    }
}
