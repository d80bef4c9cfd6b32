package io.ledgerstream.cli.connect;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code connect list}: every connector on the cluster with its state, newest job first per connector. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the connectors on the Flink cluster, with their state and job id.")
final class ConnectList implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOption target;

    @Override
    public Integer call() throws Exception {
        Map<String, ConnectorJobs.Job> jobs = target.jobs().newest();
        if (jobs.isEmpty()) {
            out().println("No connectors on " + target.jobs().address());
            return 0;
        }
        out().printf("%-30s %-12s %-34s %s%n", "NAME", "STATE", "JOB", "STARTED");
        for (ConnectorJobs.Job job : jobs.values()) {
            out().printf("%-30s %-12s %-34s %s%n", job.connector(), job.state(), job.id(),
                    Instant.ofEpochMilli(job.startTime()));
        }
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
