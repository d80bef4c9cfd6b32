package io.ledgerstream.cli.connect;

import io.ledgerstream.cli.flink.FlinkRestException;
import io.ledgerstream.connectors.runtime.ConnectorMetrics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
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
        description = {"Show a connector's state, records in and out, dead letters, last checkpoint and lag.",
                "Exits 1 when the connector has failed."})
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
        // Counters exist while the job runs; while it restarts, Flink has none to give.
        Map<String, Long> metrics = job.state().equals("RUNNING") ? jobs.metrics(job.id()) : Map.of();
        if (job.state().equals("RUNNING")) {
            out().printf(Locale.ROOT, "records in:      %,d%n", metrics.getOrDefault(ConnectorMetrics.RECORDS_IN,
                    0L));
            out().printf(Locale.ROOT, "records out:     %,d%n", metrics.getOrDefault(ConnectorMetrics.RECORDS_OUT,
                    0L));
            out().printf(Locale.ROOT, "dead letters:    %,d%n", metrics.getOrDefault(
                    ConnectorMetrics.DEAD_LETTERS, 0L));
        }
        try {
            Optional<long[]> checkpoint = jobs.lastCheckpoint(job.id());
            out().println("last checkpoint: " + checkpoint.map(c -> "#" + c[0] + " at "
                    + Instant.ofEpochMilli(c[1])).orElse("none yet"));
        } catch (FlinkRestException e) {
            // Flink answers some questions only once a job has settled (not while it starts or shuts down).
            out().println("last checkpoint: not known yet (Flink: " + firstLine(e) + ")");
        }
        Long lag = metrics.get("sourceLagBytes");
        if (lag != null && lag >= 0) {
            out().printf(Locale.ROOT, "source lag:      %,d bytes of WAL held by the replication slot%n", lag);
        }
        if (List.of("FAILED", "FAILING", "RESTARTING").contains(job.state())) {
            try {
                jobs.lastFailure(job.id()).ifPresent(f -> out().println("last failure:    " + f));
            } catch (FlinkRestException e) {
                out().println("last failure:    not known yet (Flink: " + firstLine(e) + ")");
            }
        }
        return job.state().equals("FAILED") ? 1 : 0;
    }

    private static String firstLine(FlinkRestException e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
