package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.cli.Ledgerstream;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LocalBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ledgerstream create-topics}, as a set-up step runs it: once, again, and too early. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CreateTopicsCommandITCase {
    @TempDir
    Path dir;

    @Test
    void createsWhatIsMissingAndLeavesWhatExists() throws Exception {
        try (LocalBroker platform = LocalBroker.start(dir.toFile(), Map.of())) {
            String first = CommandOutput.run("create-topics", "--bootstrap-servers", platform.bootstrap(),
                    "--config", "cleanup.policy=compact", "events:3:2", "audit");
            assertThat(first).contains("created events (3 partitions, replication factor 2)",
                    "created audit (the broker's default partitions, the broker's default replication)");

            String again = CommandOutput.run("create-topics", "--bootstrap-servers", platform.bootstrap(),
                    "events:3:2", "audit", "more:1");
            assertThat(again).contains("events already exists", "audit already exists",
                    "created more (1 partition, the broker's default replication)");

            long started = System.nanoTime();
            assertThat(failure("create-topics", "--bootstrap-servers", platform.bootstrap(), "--config",
                    "cleanup.policy=bogus", "refused")).startsWith("ledgerstream: error: Topic refused was refused: ");
            assertThat(System.nanoTime() - started).as("refused at once, not retried").isLessThan(
                    TimeUnit.SECONDS.toNanos(30));

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrap()))) {
                TopicDescription events = admin.describeTopics(List.of("events")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("events");
                assertThat(events.partitions()).hasSize(3);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "events");
                assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                        .get("cleanup.policy").value()).isEqualTo("compact");
            }
        }
    }

    @Test
    void aBadTopicOrNoClusterWithinTheTimeoutFailsWithOneLine() {
        assertThat(failure("create-topics", "events:three")).isEqualTo(
                "ledgerstream: error: Topic 'events:three': partitions must be a number from 1 to 32767, not 'three'");
        assertThat(failure("create-topics", "--bootstrap-servers", "127.0.0.1:" + FreePorts.consecutive(1),
                "--timeout", "1", "events"))
                .startsWith("ledgerstream: error: Could not create topic events within 1 s");
    }

    private static String failure(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = Ledgerstream.commandLine();
        command.setErr(new PrintWriter(err, true));
        assertThat(command.execute(args)).isNotZero();
        return err.toString().trim();
    }
}
