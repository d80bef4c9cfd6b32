package io.ledgerstream.cli.connect;

import io.ledgerstream.connectors.runtime.ConnectorMetrics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code connect status NAME}: the connector's state, records in and out, dead letters, last checkpoint, the
 * source's lag where it has one, and the last failure of a failed connector.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a connector's state, records in and out, dead letters, last checkpoint and lag.")
final class ConnectStatus implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The connector's name.")
    String name;

    @Mixin
    ClusterOption target;

    @Override
    public Integer call() throws Exception {
        ConnectorJobs jobs = target.jobs();
        ConnectorJobs.Job job = jobs.require(name);
        out().println("connector:       " + name);
        out().println("state:           " + job.state() + " (job " + job.id() + ")");
        Map<String, Long> metrics = job.active() ? jobs.metrics(job.id()) : Map.of();
        if (job.active()) {
            out().printf(Locale.ROOT, "records in:      %,d%n", metrics.getOrDefault(ConnectorMetrics.RECORDS_IN,
                    0L));
            out().printf(Locale.ROOT, "records out:     %,d%n", metrics.getOrDefault(ConnectorMetrics.RECORDS_OUT,
                    0L));
            out().printf(Locale.ROOT, "dead letters:    %,d%n", metrics.getOrDefault(
                    ConnectorMetrics.DEAD_LETTERS, 0L));
        }
        Optional<long[]> checkpoint = jobs.lastCheckpoint(job.id());
        out().println("last checkpoint: " + checkpoint.map(c -> "#" + c[0] + " at " + Instant.ofEpochMilli(c[1]))
                .orElse("none yet"));
        Long lag = metrics.get("sourceLagBytes");
        if (lag != null && lag >= 0) {
            out().printf(Locale.ROOT, "source lag:      %,d bytes of WAL held by the replication slot%n", lag);
        }
        if (!job.state().equals("RUNNING")) {
            jobs.lastFailure(job.id()).ifPresent(f -> out().println("last failure:    " + f));
        }
        return job.state().equals("FAILED") ? 1 : 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
