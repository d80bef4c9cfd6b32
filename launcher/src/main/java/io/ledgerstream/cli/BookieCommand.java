package io.ledgerstream.cli;

import io.ledgerstream.log.storage.bookkeeper.bookie.BookieNode;
import java.io.File;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ledgerstream bookie}: one bookie against an external ZooKeeper, until stopped. */
@Command(name = "bookie", mixinStandardHelpOptions = true,
        description = "Run one BookKeeper bookie registered in an external ZooKeeper.")
final class BookieCommand implements Callable<Integer> {
    @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:2181",
            description = "ZooKeeper connect string (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Option(names = "--port", defaultValue = "3181", description = "Bookie port; it is the bookie's identity (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--advertised-address", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = {"Host name or address clients reach this bookie at; with the port, the bookie's identity, so "
                    + "it must stay the same across restarts (default: ${DEFAULT-VALUE}).",
                    "The bookie listens on every interface whatever this is."})
    String advertisedAddress;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/bookie",
            description = {"Folder of the journal (DIR/journal) and the ledgers (DIR/ledgers) (default: "
                    + "${DEFAULT-VALUE}).", "Either may be a mount point of a disk of its own."})
    File dataDir;

    @Option(names = "--ledgers-root", defaultValue = "/ledgers",
            description = "BookKeeper's root znode (default: ${DEFAULT-VALUE}).")
    String ledgersRoot;

    @Override
    public Integer call() throws Exception {
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zookeeper, new ExponentialBackoffRetry(200, 5))) {
            zk.start();
            BookieNode.ensureCluster(zk, zookeeper, ledgersRoot);
        }
        BookieNode bookie = BookieNode.start(dataDir, advertisedAddress, port,
                "zk+null://" + zookeeper.replace(',', ';') + ledgersRoot);
        RunUntilStopped.await("bookie " + bookie.bookieId(), bookie);
        return 0;
    }
}
