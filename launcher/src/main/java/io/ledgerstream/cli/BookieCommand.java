package io.ledgerstream.cli;

import io.ledgerstream.log.storage.bookkeeper.bookie.BookieNode;
import java.io.File;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ledgerstream bookie}: one bookie against an external ZooKeeper, until stopped. */
@Command(name = "bookie", mixinStandardHelpOptions = true,
        description = "Run one BookKeeper bookie registered in an external ZooKeeper.")
final class BookieCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:2181",
            description = "ZooKeeper connect string (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Option(names = "--port", defaultValue = "3181", description = "Bookie port; it is the bookie's identity (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--advertised-address", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = {"Host name or address clients reach this bookie at; with the port, the bookie's identity, "
                    + "so it must stay the same across restarts (default: ${DEFAULT-VALUE}).",
                    "The bookie listens on every interface whatever this is."})
    String advertisedAddress;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/bookie",
            description = {"Folder of the journal (DIR/journal) and the ledgers (DIR/ledgers) (default: "
                    + "${DEFAULT-VALUE}).", "Either may be a mount point of a disk of its own."})
    File dataDir;

    @Option(names = "--ledgers-root", defaultValue = "/ledgers",
            description = "BookKeeper's root znode (default: ${DEFAULT-VALUE}).")
    String ledgersRoot;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
            description = "Serve BookKeeper's stats in Prometheus' text format at http://HOST:PORT/metrics; -1 serves "
                    + "none (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the stats are served on, with --metrics-port (default: ${DEFAULT-VALUE}, "
                    + "as in BookKeeper).")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--metrics-port must be -1 (none) or a port up to 65535, not " + metricsPort);
        }
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zookeeper, new ExponentialBackoffRetry(200, 5))) {
            zk.start();
            BookieNode.ensureCluster(zk, zookeeper, ledgersRoot);
        }
        BookieNode bookie = BookieNode.start(dataDir, advertisedAddress, port,
                "zk+null://" + zookeeper.replace(',', ';') + ledgersRoot, metricsHost, metricsPort);
        RunUntilStopped.await("bookie " + bookie.bookieId(), bookie);
        return 0;
    }
}
