package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.Ledgerstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the ledgerstream command in this JVM and returns what it printed, failing unless it exits with 0. */
final class CommandOutput {
    private CommandOutput() {
    }

    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Ledgerstream.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; output:%n%s", output).isZero();
        return output;
    }
}
