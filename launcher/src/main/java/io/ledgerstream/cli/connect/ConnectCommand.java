package io.ledgerstream.cli.connect;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ledgerstream connect}: connectors to external systems, one YAML file each, run as Flink jobs. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Run connectors (one YAML file each) as Flink jobs, and list, show, stop and delete them.",
        subcommands = {ConnectRun.class, ConnectList.class, ConnectStatus.class, ConnectStop.class,
                ConnectDelete.class})
public final class ConnectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: run, list, status, stop "
                + "or delete");
    }
}
