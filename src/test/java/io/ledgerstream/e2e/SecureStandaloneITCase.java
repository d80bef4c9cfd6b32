package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.cli.Ledgerstream;
import io.ledgerstream.cli.payments.MainJobRun;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledgerstream standalone --secure} run as a process of its own, started twice on one folder: its admin
 * password is printed on the first start only, the second reuses certificates and password, clients without the
 * right credentials are refused; and the payments job (local Flink, RocksDB) and {@code ledgerstream sql} run
 * against it with {@code --client-config} and give correct results.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SecureStandaloneITCase {
    private static final Pattern PASSWORD_LINE = Pattern.compile("Admin user 'admin' created with password (\\S+) ");
    private static final List<String> JVM_OPENS = List.of("--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED");

    @TempDir
    static Path dir;

    private static Path data;
    private static int kafkaPort;
    private static String bootstrap;
    private static Path clientConfig;
    private static String firstOutput;
    private static Process platform;
    private static Path secondOutput;

    @BeforeAll
    static void startTwice() throws Exception {
        data = dir.resolve("data");
        kafkaPort = FreePorts.consecutive(1);
        bootstrap = "127.0.0.1:" + kafkaPort;
        clientConfig = data.resolve("security/admin-client.properties");
        List<String> args = List.of("standalone", "--secure", "--data-dir", data.toString(),
                "--zookeeper-port", Integer.toString(FreePorts.consecutive(1)),
                "--bookie-port", Integer.toString(FreePorts.consecutive(3)),
                "--kafka-port", Integer.toString(kafkaPort), "--set", "metrics.http.port=-1");
        Path first = dir.resolve("first.out");
        Process once = start(args, first);
        try {
            awaitAdmin(once, first);
        } finally {
            stop(once);
        }
        firstOutput = Files.readString(first);
        secondOutput = dir.resolve("second.out");
        platform = start(args, secondOutput);
        awaitAdmin(platform, secondOutput);
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            stop(platform);
        }
    }

    @Test
    void theAdminPasswordIsPrintedOnceAndTheRestartReusesIt() throws Exception {
        String password = adminPassword();
        assertThat(clientProperties().getProperty("sasl.jaas.config")).contains("password=\"" + password + "\"");
        assertThat(Files.readString(secondOutput)).as("the second start's output")
                .contains("Secure standalone platform: SASL_SSL on " + bootstrap)
                .doesNotContain("created with password").doesNotContain(password);
        // The second start came up with the same password: awaitAdmin logged in with the client config.
        assertThat(data.resolve("security")).isDirectoryContaining("glob:**/ca.pem");
    }

    @Test
    void clientsWithoutTheRightCredentialsAreRefused() throws Exception {
        Map<String, Object> plaintext = Map.of("bootstrap.servers", bootstrap, "default.api.timeout.ms", "5000",
                "request.timeout.ms", "2000");
        try (Admin admin = Admin.create(plaintext)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .as("a plaintext client gets no answer from the TLS listener")
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        Map<String, Object> wrongPassword = adminConfig();
        wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"admin\" password=\"not-the-password\";");
        try (Admin admin = Admin.create(wrongPassword)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
        // A user the admin makes logs in, but the authorizer gives it nothing without ACLs.
        try (Admin admin = Admin.create(adminConfig())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-secret"))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> bob = adminConfig();
        bob.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"bob\" password=\"bob-secret\";");
        try (Admin admin = Admin.create(bob)) {
            Await.until("bob's credential reaches the broker", Duration.ofSeconds(30), () -> {
                try {
                    admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bobs", 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void thePaymentsJobRunsAgainstTheSecureBrokerWithTheClientConfig() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        new MainJobRun(bootstrap, clientConfig, dir.resolve("flink"), out, false).run(2_000, 0, 6, () -> false);

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("state table matches the 2,000 payments in the topic exactly: 6 customers");
    }

    @Test
    void theSqlClientRunsAgainstTheSecureBrokerWithTheClientConfig() throws Exception {
        Path script = dir.resolve("script.sql");
        Files.writeString(script, String.join("\n",
                "SET 'table.dml-sync' = 'true';",
                "CREATE TABLE words (id INT, word STRING) WITH ('partitions' = '2', 'replication-factor' = '2');",
                "INSERT INTO words VALUES (1, 'hello'), (2, 'world');",
                "SELECT id, UPPER(word) AS shout FROM words "
                        + "/*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */;",
                ""));
        String output = CommandOutput.run("sql", "--bootstrap-servers", bootstrap, "--client-config",
                clientConfig.toString(), "--data-dir", dir.resolve("sql").toString(), "-f", script.toString());

        Path log = dir.resolve("sql/sql-client/log/sql-client.log");
        assertThat(output).as("the client's output; its log:%n%s", Files.exists(log) ? Files.readString(log) : "")
                .contains("Successfully initialized").doesNotContain("[ERROR]");
        String password = adminPassword();
        assertThat(output).as("the client's output").doesNotContain(password);
        try (var logs = Files.walk(dir.resolve("sql"))) {
            for (Path file : logs.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as("%s", file).doesNotContain(password);
            }
        }
        assertThat(output.lines().filter(l -> l.matches("\\| \\+I \\|\\s+\\d \\|\\s+\\w+ \\|"))
                .map(l -> l.replaceAll("\\s+", " ")))
                .containsExactlyInAnyOrder("| +I | 1 | HELLO |", "| +I | 2 | WORLD |");
        try (Admin admin = Admin.create(adminConfig())) {
            assertThat(admin.describeTopics(List.of("words")).allTopicNames().get(30, TimeUnit.SECONDS).get("words")
                    .partitions()).as("the table's topic").hasSize(2);
        }
    }

    @Test
    void aBadClientConfigStopsTheCommandNamingTheFileAndKey() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.properties"), "security.protocol=SASL_TLS\n");
        StringWriter errors = new StringWriter();
        var command = Ledgerstream.commandLine();
        command.setErr(new PrintWriter(errors, true));
        int exit = command.execute("create-topics", "--bootstrap-servers", bootstrap, "--client-config",
                bad.toString(), "--timeout", "5", "t");

        assertThat(exit).isEqualTo(1);
        assertThat(errors.toString()).startsWith("ledgerstream: error: Client config " + bad
                + ": security.protocol is invalid: ");
    }

    private static String adminPassword() {
        Matcher printed = PASSWORD_LINE.matcher(firstOutput);
        assertThat(printed.find()).as("the first start's output:%n%s", firstOutput).isTrue();
        return printed.group(1);
    }

    private static Properties clientProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(clientConfig)) {
            properties.load(reader);
        }
        return properties;
    }

    private static Map<String, Object> adminConfig() throws IOException {
        Map<String, Object> config = new HashMap<>();
        clientProperties().forEach((k, v) -> config.put((String) k, v));
        config.put("bootstrap.servers", bootstrap);
        return config;
    }

    private static Process start(List<String> args, Path output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPENS);
        command.addAll(List.of("-Xmx768m", "-cp", System.getProperty("java.class.path"),
                Ledgerstream.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits until the admin's client config logs in; fails early with the output if the process ended. */
    private static void awaitAdmin(Process process, Path output) {
        Await.until("the secure standalone platform answers the admin", Duration.ofSeconds(180),
                Duration.ofMillis(500), () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the platform exited with " + process.exitValue() + ":\n"
                                + read(output));
                    }
                    if (!Files.exists(clientConfig)) {
                        return false;
                    }
                    try (Admin admin = Admin.create(adminConfig())) {
                        admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    private static String read(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Stops the platform as Ctrl-C would (its shutdown hook closes it), within a bound. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
