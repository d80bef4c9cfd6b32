package io.ledgerstream.cli.connect;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import java.io.PrintWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code connect delete NAME}: cancels the connector if it runs, removes what it created outside (a replication
 * slot and publication), and forgets its savepoints and checkpoints on this machine. A later run starts afresh.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Cancel a connector, drop what it created outside the platform (e.g. a replication slot), "
                + "and forget its saved state; a later run starts from scratch."})
final class ConnectDelete implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The connector's name.")
    String name;

    @Mixin
    ClusterOption target;

    @Option(names = "--file", paramLabel = "FILE",
            description = "The connector's file, when it was not run from this machine's data folder.")
    Path file;

    @Override
    public Integer call() throws Exception {
        ConnectorFolder folder = new ConnectorFolder(target.dataDir, name);
        Optional<Connector> connector = file != null ? Optional.of(ConnectorFile.read(file)) : folder.remembered();
        if (connector.isEmpty()) {
            throw new IllegalArgumentException("No connector named '" + name + "' was run from " + folder.dir()
                    + "; give its file with --file");
        }
        ConnectorJobs jobs = target.jobs();
        try {
            Optional<ConnectorJobs.Job> job = jobs.find(name);
            if (job.isPresent() && job.get().active()) {
                jobs.cancel(job.get().id());
                out().println("Cancelled connector " + name);
            }
        } catch (IOException e) {
            // No cluster answering: nothing runs there to cancel.
            out().println("No Flink cluster at " + jobs.address() + "; nothing to cancel");
        }
        connector.get().deleteExternalState();
        folder.delete();
        out().println("Deleted connector " + name + ": its external state and its saved state are gone");
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
