package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.Ledgerstream;
import io.ledgerstream.log.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run twice on one folder: the payments job's state table matches the payments topic
 * exactly, and the second run resumes from the first run's savepoint and carries the table on. The platform logs to
 * a file in the data folder, not among the quick start's lines, and its stops log no error.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QuickstartCommandITCase {
    /** How a line of the log begins: a time, then a level. */
    private static final Pattern LOG_LINE =
            Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) ");

    @TempDir
    Path dir;

    @Test
    void theMainJobsTableMatchesItsInputAndResumesOnTheNextRun() throws Exception {
        // Relative, as the README's command gives it (the default is ./data).
        String dataDir = Path.of("").toAbsolutePath().relativize(dir.resolve("data")).toString();
        String[] args = {"quickstart", "--data-dir", dataDir,
                "--zookeeper-port", Integer.toString(FreePorts.consecutive(1)),
                "--bookie-port", Integer.toString(FreePorts.consecutive(3)), "--kafka-port", "0",
                "--payments", "2000", "--rate", "0", "--customers", "12"};

        Path log = dir.resolve("data").resolve("quickstart.log");
        String first = CommandOutput.run(args);
        assertThat(first).contains("no earlier state")
                .contains("state table matches the 2,000 payments in the topic exactly: 12 customers")
                .contains("job stopped with a savepoint").contains("stopped cleanly")
                .contains("the platform logs to " + log);
        assertThat(first.lines()).as("log lines among the quick start's own")
                .noneMatch(line -> LOG_LINE.matcher(line).find());

        String second = CommandOutput.run(args);
        assertThat(second).contains("resuming the job's state from savepoints")
                .contains("state table matches the 4,000 payments in the topic exactly: 12 customers");

        List<String> logged = Files.readAllLines(log);
        assertThat(logged).as("the platform's log").anyMatch(line -> line.contains("Standalone platform stopped"))
                .noneMatch(line -> line.contains(" ERROR ") || line.contains("Exception"));
    }

    @Test
    void badOptionsExitNonZeroWithOneLine() {
        assertThat(Ledgerstream.commandLine().execute("quickstart", "--payments", "many")).isEqualTo(2);
        assertThat(Ledgerstream.commandLine().execute("no-such-command")).isEqualTo(2);
        assertThat(Ledgerstream.commandLine().execute("standalone", "--help")).isZero();
    }
}
