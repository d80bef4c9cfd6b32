package io.ledgerstream.log.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.admin.ConfigCommand;
import org.apache.kafka.common.utils.Exit;

/**
 * Runs one of Kafka's command-line tools in this JVM with a given stdin and returns what it printed, failing unless
 * it ends normally or exits with 0; a failure shows what the tool printed on both its outputs.
 */
public final class KafkaTool {
    private KafkaTool() {
    }

    /** A tool's {@code main}, as a call. */
    public interface Main {
        void run() throws Exception;
    }

    /** Thrown instead of exiting the JVM when a tool calls Kafka's Exit. */
    private static final class ToolExit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ToolExit(int code) {
            super("exit " + code);
        }
    }

    /** Kafka's kafka-configs ({@code ConfigCommand}) against {@code bootstrap} with {@code args}; what it printed. */
    public static String configs(String bootstrap, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return run("", () -> ConfigCommand.main(all));
    }

    public static synchronized String run(String stdin, Main tool) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, UTF_8));
        System.setErr(new PrintStream(errors, true, UTF_8));
        System.setIn(new ByteArrayInputStream(stdin.getBytes(UTF_8)));
        // Tools call Exit from inside their own error handling; the first call is the tool's verdict.
        AtomicInteger firstExit = new AtomicInteger(-1);
        Exit.setExitProcedure((code, message) -> {
            firstExit.compareAndSet(-1, code);
            throw new ToolExit(code);
        });
        try {
            tool.run();
        } catch (ToolExit e) {
            assertThat(firstExit.get()).as("exit code; output:%n%s%nerrors:%n%s", captured.toString(UTF_8),
                    errors.toString(UTF_8)).isZero();
        } finally {
            Exit.resetExitProcedure();
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
        return captured.toString(UTF_8);
    }
}
