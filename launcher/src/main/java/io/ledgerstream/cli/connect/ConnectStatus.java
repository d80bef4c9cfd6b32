package io.ledgerstream.cli.connect;

import io.ledgerstream.connectors.runtime.ConnectorMetrics;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code connect status NAME}: the connector's state, records in and out, dead letters, last checkpoint, the
 * source's lag where it has one, and the last failure of a failed connector.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a connector's state, records in and out, dead letters, last checkpoint and lag.")
final class ConnectStatus implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The connector's name.")
    String name;

    @Mixin
    ClusterOption target;

    @Override
    public Integer call() throws Exception {
        ConnectorJobs jobs = target.jobs();
        ConnectorJobs.Job job = jobs.require(name);
        System.out.println("connector:       " + name);
        System.out.println("state:           " + job.state() + " (job " + job.id() + ")");
        Map<String, Long> metrics = job.active() ? jobs.metrics(job.id()) : Map.of();
        if (job.active()) {
            System.out.printf(Locale.ROOT, "records in:      %,d%n", metrics.getOrDefault(ConnectorMetrics.RECORDS_IN,
                    0L));
            System.out.printf(Locale.ROOT, "records out:     %,d%n", metrics.getOrDefault(ConnectorMetrics.RECORDS_OUT,
                    0L));
            System.out.printf(Locale.ROOT, "dead letters:    %,d%n", metrics.getOrDefault(
                    ConnectorMetrics.DEAD_LETTERS, 0L));
        }
        Optional<long[]> checkpoint = jobs.lastCheckpoint(job.id());
        System.out.println("last checkpoint: " + checkpoint.map(c -> "#" + c[0] + " at " + Instant.ofEpochMilli(c[1]))
                .orElse("none yet"));
        Long lag = metrics.get("sourceLagBytes");
        if (lag != null && lag >= 0) {
            System.out.printf(Locale.ROOT, "source lag:      %,d bytes of WAL held by the replication slot%n", lag);
        }
        if (!job.state().equals("RUNNING")) {
            jobs.lastFailure(job.id()).ifPresent(f -> System.out.println("last failure:    " + f));
        }
        return job.state().equals("FAILED") ? 1 : 0;
    }
}
