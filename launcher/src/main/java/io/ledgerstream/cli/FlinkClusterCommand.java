package io.ledgerstream.cli;

import io.ledgerstream.cli.flink.FlinkClasspath;
import io.ledgerstream.cli.flink.LocalFlinkCluster;
import java.io.File;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ledgerstream flink-cluster}: a real local Flink session cluster (JobManager and TaskManagers), until stopped. */
@Command(name = "flink-cluster", mixinStandardHelpOptions = true,
        description = {"Start a Flink 2.3 session cluster on this machine: a JobManager with the REST API and web UI, "
                + "and TaskManagers, each in a JVM of its own, from Flink's Maven artifacts. Stops on Ctrl-C.",
                "Submit jobs with 'ledgerstream submit JAR' or Flink's own 'flink run -m 127.0.0.1:PORT'."})
final class FlinkClusterCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Folder for all data; the cluster uses DIR/flink-cluster (default: ${DEFAULT-VALUE}).")
    File dataDir;

    @Option(names = "--taskmanagers", defaultValue = "1", description = "TaskManagers (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--slots", defaultValue = "2", description = "Slots per TaskManager (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--rest-port", defaultValue = "8081",
            description = "Port of the REST API and web UI (default: ${DEFAULT-VALUE}).")
    int restPort;

    @Option(names = "--rpc-port", defaultValue = "6123", description = "JobManager RPC port (default: ${DEFAULT-VALUE}).")
    int rpcPort;

    @Option(names = "--metrics-port", defaultValue = "9249",
            description = "First port of Flink's Prometheus reporters: the JobManager and each TaskManager serve "
                    + "/metrics on one port each from here, the first free one (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        LocalFlinkCluster.Settings settings = new LocalFlinkCluster.Settings(
                new File(dataDir, "flink-cluster").getAbsoluteFile().toPath(), taskManagers, slots, restPort, rpcPort,
                metricsPort);
        LocalFlinkCluster cluster = LocalFlinkCluster.start(settings, FlinkClasspath.read(), Duration.ofSeconds(120));
        System.out.printf("Flink cluster up: %d TaskManager(s) with %d slot(s) each; web UI and REST API on %s; "
                + "Prometheus metrics on ports %s; logs in %s%n", taskManagers, slots, settings.restAddress(),
                settings.metricsPorts(), settings.dir().resolve("log"));
        RunUntilStopped.await("the Flink cluster", cluster);
        return 0;
    }
}
