package io.ledgerstream.cli.connect;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code connect stop NAME}: stops the connector with a savepoint, which the next {@code connect run} resumes. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop a connector with a savepoint; 'connect run' of the same file resumes from it.")
final class ConnectStop implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The connector's name.")
    String name;

    @Mixin
    ClusterOption target;

    @Option(names = "--savepoint-dir", paramLabel = "URI",
            description = "Where the savepoint goes (default: DATA/connect/NAME/savepoints, on this machine).")
    String savepointDir;

    @Override
    public Integer call() throws Exception {
        ConnectorJobs jobs = target.jobs();
        ConnectorJobs.Job job = jobs.require(name);
        if (!job.active()) {
            throw new IllegalArgumentException("Connector " + name + " is not running (" + job.state() + ")");
        }
        ConnectorFolder folder = new ConnectorFolder(target.dataDir, name);
        String dir = savepointDir != null ? savepointDir : folder.savepoints().toUri().toString();
        String location = jobs.stopWithSavepoint(job.id(), dir, Duration.ofMinutes(2));
        folder.recordSavepoint(location);
        out().println("Stopped connector " + name + " with a savepoint at " + location);
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
