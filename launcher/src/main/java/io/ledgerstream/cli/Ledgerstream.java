package io.ledgerstream.cli;

import io.ledgerstream.cli.connect.ConnectCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ledgerstream} command: one entry point with a sub-command per way to run the platform. */
@Command(name = "ledgerstream", mixinStandardHelpOptions = true, version = "Ledgerstream 0.1.0-SNAPSHOT",
        description = "An event streaming platform: a Kafka-protocol log on BookKeeper, processed by Flink.",
        subcommands = {QuickstartCommand.class, StandaloneCommand.class, BookieCommand.class, BrokerCommand.class,
                FlinkClusterCommand.class, SubmitCommand.class, CreateTopicsCommand.class, SqlCommand.class,
                ProjectionsCommand.class, ConnectCommand.class})
public final class Ledgerstream implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: one line naming the problem, non-zero exit. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Ledgerstream());
        // Everything after the jar belongs to the job: submit [OPTIONS] JAR [JOB ARGS...].
        cli.getSubcommands().get("submit").setStopAtPositional(true);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("ledgerstream: " + e.getMessage() + " (try '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("ledgerstream: error: " + Failures.describe(e));
            return 1;
        });
        return cli;
    }
}
