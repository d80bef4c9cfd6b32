package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.Ledgerstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run twice on one folder: the second run finds and re-verifies the first run's records. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuickstartCommandITCase {

    @TempDir
    Path dir;

    @Test
    void quickstartVerifiesItsRecordsAndFindsThemAgainOnTheNextRun() {
        String[] args = {"quickstart", "--data-dir", dir.resolve("data").toString(),
                "--zookeeper-port", Integer.toString(FreePorts.consecutive(1)),
                "--bookie-port", Integer.toString(FreePorts.consecutive(3)), "--kafka-port", "0", "--batches", "20"};

        String first = run(args);
        assertThat(first).contains("topic quickstart: created, 3 partitions, 0 records from earlier runs")
                .contains("appended 60 batches (960 records of 1024 bytes)")
                .contains("read back all 960 records").contains("stopped cleanly");

        String second = run(args);
        assertThat(second).contains("topic quickstart: found, 3 partitions, 960 records from earlier runs")
                .contains("read back all 1,920 records");
    }

    @Test
    void badOptionsExitNonZeroWithOneLine() {
        assertThat(Ledgerstream.commandLine().execute("quickstart", "--batches", "many")).isEqualTo(2);
        assertThat(Ledgerstream.commandLine().execute("no-such-command")).isEqualTo(2);
        assertThat(Ledgerstream.commandLine().execute("standalone", "--help")).isZero();
    }

    private static String run(String... args) {
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
