package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.LocalBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledgerstream sql -f script.sql}: Flink's SQL client with the Ledgerstream catalog, run non-interactively
 * against the standalone platform.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqlCommandITCase {

    @TempDir
    Path dir;

    @Test
    void aScriptCreatesATableWritesItAndReadsItBack() throws Exception {
        try (LocalBroker platform = LocalBroker.start(dir.resolve("platform").toFile(), Map.of())) {
            Path script = dir.resolve("script.sql");
            Files.writeString(script, String.join("\n",
                    "SET 'table.dml-sync' = 'true';",
                    "CREATE TABLE words (id INT, word STRING) WITH ('partitions' = '2');",
                    "INSERT INTO words VALUES (1, 'hello'), (2, 'world');",
                    "SHOW TABLES;",
                    "SELECT id, UPPER(word) AS shout FROM words "
                            + "/*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */;",
                    ""));
            String output = CommandOutput.run("sql", "--bootstrap-servers", platform.bootstrap(), "--data-dir",
                    dir.resolve("data").toString(), "-f", script.toString());

            assertThat(output).contains("Successfully initialized").doesNotContain("[ERROR]");
            assertThat(output.lines().filter(l -> l.matches("\\|\\s+words\\s+\\|"))).hasSize(1);
            assertThat(output.lines().filter(l -> l.matches("\\| \\+I \\|\\s+\\d \\|\\s+\\w+ \\|"))
                    .map(l -> l.replaceAll("\\s+", " ")))
                    .containsExactlyInAnyOrder("| +I | 1 | HELLO |", "| +I | 2 | WORLD |");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrap()))) {
                assertThat(admin.describeTopics(List.of("words")).allTopicNames().get().get("words").partitions())
                        .as("the table's topic").hasSize(2);
            }
        }
    }
}
