package io.ledgerstream.cli.connect;

import java.io.File;
import picocli.CommandLine.Option;

/** The options every {@code connect} command shares: which Flink cluster, and where this machine keeps its data. */
final class ClusterOption {
    static final String EMBEDDED = "127.0.0.1:8081";

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "The Flink JobManager's REST address (default: the embedded Flink of 'connect run', "
                    + EMBEDDED + ").")
    String cluster;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Folder for connector state kept on this machine (default: ${DEFAULT-VALUE}).")
    File dataDir;

    ConnectorJobs jobs() {
        return new ConnectorJobs(cluster == null ? EMBEDDED : cluster);
    }
}
