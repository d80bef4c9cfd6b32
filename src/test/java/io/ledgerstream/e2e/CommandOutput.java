package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.Ledgerstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs the ledgerstream command in this JVM and returns what it printed, failing unless it exits with 0; a failure
 * shows what the command printed on both its outputs.
 */
final class CommandOutput {
    private CommandOutput() {
    }

    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter errors = new StringWriter();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            CommandLine command = Ledgerstream.commandLine();
            command.setErr(new PrintWriter(errors, true));
            exit = command.execute(args);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; output:%n%s%nerrors:%n%s", output, errors).isZero();
        return output;
    }
}
