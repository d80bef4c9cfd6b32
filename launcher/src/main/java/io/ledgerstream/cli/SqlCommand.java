package io.ledgerstream.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledgerstream sql}: Flink's own SQL client (2.3) with the Ledgerstream catalog registered and in use, the
 * Kafka connector on its classpath, running queries in-process by default or on a Flink cluster given by address.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Start the Flink SQL client with the Ledgerstream catalog 'ledgerstream' registered and in use: "
                + "every topic is a table.",
                "Without --cluster, queries run on a local Flink cluster inside the client; checkpoints go to "
                        + "DIR/sql-client/checkpoints."})
final class SqlCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "The brokers whose topics are the tables (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    ClientOptions client;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Run queries on this Flink cluster (its REST address) instead of in the client.")
    String cluster;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Folder for the client's configuration, logs and checkpoints (default: ${DEFAULT-VALUE}).")
    File dataDir;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of FILE and exit.")
    Path script;

    @Option(names = {"-i", "--init"}, paramLabel = "FILE",
            description = "Run the statements of FILE first (after the catalog is registered).")
    Path init;

    @Override
    public Integer call() throws Exception {
        return new SqlClientRun(bootstrapServers, client.file, cluster, dataDir).run(init, script, System.out);
    }
}
