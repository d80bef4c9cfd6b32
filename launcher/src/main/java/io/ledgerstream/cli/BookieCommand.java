package io.ledgerstream.cli;

import io.ledgerstream.log.config.BookKeeperTls;
import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieNode;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieTls;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = {"Serve BookKeeper's TLS with the key and certificate in this key store (PKCS12 or JKS).",
                    "BookKeeper upgrades to TLS only the connections whose client asks; without "
                    + "--tls-authorized-roles, plaintext clients are served too."})
    Path tlsKeyStore;

    @Option(names = "--tls-keystore-type", paramLabel = "TYPE", defaultValue = "PKCS12",
            description = "PKCS12 or JKS (default: ${DEFAULT-VALUE}).")
    String tlsKeyStoreType;

    @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
            description = "File whose whole content is the key store's password (no final line break).")
    Path tlsKeyStorePasswordFile;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
            description = "Trust store the clients' certificates are checked against; needed with "
                    + "--tls-authorized-roles.")
    Path tlsTrustStore;

    @Option(names = "--tls-truststore-type", paramLabel = "TYPE", defaultValue = "PKCS12",
            description = "PKCS12 or JKS (default: ${DEFAULT-VALUE}).")
    String tlsTrustStoreType;

    @Option(names = "--tls-truststore-password-file", paramLabel = "FILE",
            description = "File whose whole content is the trust store's password (no final line break).")
    Path tlsTrustStorePasswordFile;

    @Option(names = "--tls-authorized-roles", paramLabel = "ROLE", split = ",",
            description = {"Serve only TLS clients with a certificate naming one of these roles as OU=0:ROLE "
                    + "(BookKeeper's BookieAuthZFactory); a client without TLS or without such a certificate may "
                    + "neither read nor write.", "Needs --tls-keystore and --tls-truststore."})
    List<String> tlsAuthorizedRoles = List.of();

    @Override
    public Integer call() throws Exception {
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--metrics-port must be -1 (none) or a port up to 65535, not " + metricsPort);
        }
        Optional<BookieTls> tls = tls();
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zookeeper, new ExponentialBackoffRetry(200, 5))) {
            zk.start();
            BookieNode.ensureCluster(zk, zookeeper, ledgersRoot);
        }
        BookieNode bookie = BookieNode.start(dataDir, advertisedAddress, port,
                "zk+null://" + zookeeper.replace(',', ';') + ledgersRoot, metricsHost, metricsPort, tls);
        RunUntilStopped.await("bookie " + bookie.bookieId(), bookie);
        return 0;
    }

    /** The bookie's TLS from the {@code --tls-*} options; a missing or unreadable file is named. */
    private Optional<BookieTls> tls() {
        if (tlsKeyStore == null) {
            if (tlsTrustStore != null || !tlsAuthorizedRoles.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--tls-truststore and --tls-authorized-roles need --tls-keystore");
            }
            return Optional.empty();
        }
        for (Path file : new Path[] {tlsKeyStore, tlsKeyStorePasswordFile, tlsTrustStore, tlsTrustStorePasswordFile}) {
            if (file != null && !Files.isReadable(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Cannot read " + file);
            }
        }
        try {
            return Optional.of(new BookieTls(BookKeeperTls.of(Optional.of(tlsKeyStore), tlsKeyStoreType,
                    Optional.ofNullable(tlsKeyStorePasswordFile), Optional.ofNullable(tlsTrustStore),
                    tlsTrustStoreType, Optional.ofNullable(tlsTrustStorePasswordFile), false),
                    tlsAuthorizedRoles));
        } catch (IllegalArgumentException | InvalidConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
