package io.ledgerstream.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ledgerstream.log.standalone.StandalonePlatform;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.KafkaTool;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.ConsoleProducer;
import org.apache.kafka.tools.TopicCommand;
import org.apache.kafka.tools.consumer.ConsoleConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's own command-line tools (in-process) and kcat (librdkafka) against the standalone platform. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaToolsITCase {
    @TempDir
    static Path dir;
    private static StandalonePlatform platform;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        platform = StandalonePlatform.start(new StandalonePlatform.Settings(new File(dir.toFile(), "data"),
                FreePorts.consecutive(1), FreePorts.consecutive(3), 3,
                Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "group.initial.rebalance.delay.ms", "0")),
                Clock.systemUTC());
        bootstrap = "127.0.0.1:" + platform.broker().kafkaPort();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static String runTool(String stdin, KafkaTool.Main tool) throws Exception {
        return KafkaTool.run(stdin, tool);
    }

    @Test
    void topicCommandConsoleProducerAndConsoleConsumerWork() throws Exception {
        runTool("", () -> TopicCommand.main("--bootstrap-server", bootstrap, "--create", "--topic", "tools",
                "--partitions", "2", "--replication-factor", "2", "--config", "retention.ms=86400000"));
        String described = runTool("", () -> TopicCommand.main("--bootstrap-server", bootstrap, "--describe",
                "--topic", "tools"));
        assertThat(described).contains("Topic: tools").contains("PartitionCount: 2").contains("ReplicationFactor: 1")
                .contains("retention.ms=86400000");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            org.apache.kafka.common.Uuid id = admin.describeTopics(List.of("tools")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("tools").topicId();
            assertThat(id).isNotEqualTo(org.apache.kafka.common.Uuid.ZERO_UUID);
            assertThat(described).as("kafka-topics shows the topic's id").contains("TopicId: " + id);
        }

        runTool("one\ntwo\nthree\n", () -> ConsoleProducer.main(new String[] {"--bootstrap-server", bootstrap,
                "--topic", "tools", "--property", "parse.key=false"}));
        String consumed = runTool("", () -> ConsoleConsumer.main(new String[] {"--bootstrap-server", bootstrap,
                "--topic", "tools", "--partition", "0", "--offset", "earliest", "--max-messages", "3",
                "--timeout-ms", "20000"}));
        String consumedOther = runTool("", () -> ConsoleConsumer.main(new String[] {"--bootstrap-server", bootstrap,
                "--topic", "tools", "--partition", "1", "--offset", "earliest", "--timeout-ms", "3000"}));
        List<String> lines = new ArrayList<>(consumed.lines().toList());
        lines.addAll(consumedOther.lines().toList());
        assertThat(lines).containsExactlyInAnyOrder("one", "two", "three");

        runTool("", () -> TopicCommand.main("--bootstrap-server", bootstrap, "--delete", "--topic", "tools"));
        String listed = runTool("", () -> TopicCommand.main("--bootstrap-server", bootstrap, "--list"));
        assertThat(listed.lines().toList()).doesNotContain("tools");
    }

    @Test
    void consumerGroupCommandListsDescribesWithLagResetsAndDeletes() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("grouped", 0, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "tools-group");
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("grouped"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            consumer.commitSync(Map.of(new TopicPartition("grouped", 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(4)));
        }
        String command = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
        assertThat(runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--list")).lines().toList())
                .contains("tools-group");
        String described = runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--describe",
                "--group", "tools-group"));
        assertThat(described.lines().filter(l -> l.contains("grouped")).findFirst().orElseThrow()
                .trim().split("\\s+")).as(command + " --describe").contains("4", "10", "6");

        runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--reset-offsets", "--group", "tools-group",
                "--topic", "grouped", "--to-earliest", "--execute"));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            assertThat(admin.listConsumerGroupOffsets("tools-group").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition("grouped", 0)).offset()).isZero();
        }
        runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--delete", "--group", "tools-group"));
        assertThat(runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--list")).lines().toList())
                .doesNotContain("tools-group");
    }

    @Test
    void consumerGroupCommandDescribesGroupsOfTheConsumerProtocolBesideClassicOnes() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("grouped-kip848", 0, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "tools-consumer-protocol");
        props.put("group.protocol", "consumer");
        props.put("client.id", "kip848-member");
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("grouped-kip848"));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < 5 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(5);
            consumer.commitSync();

            String listed = runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--list", "--type"));
            assertThat(listed.lines().map(l -> List.of(l.trim().split("\\s+"))).toList())
                    .contains(List.of("tools-consumer-protocol", "Consumer"));
            String state = runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--describe",
                    "--group", "tools-consumer-protocol", "--state"));
            assertThat(state).contains("tools-consumer-protocol").contains("uniform").contains("Stable");
            String members = runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--describe",
                    "--group", "tools-consumer-protocol", "--members", "--verbose"));
            assertThat(members.lines().filter(l -> l.contains("kip848-member")).findFirst().orElseThrow())
                    .contains("grouped-kip848:0");
            String offsets = runTool("", () -> groupCommand("--bootstrap-server", bootstrap, "--describe",
                    "--group", "tools-consumer-protocol"));
            assertThat(offsets.lines().filter(l -> l.contains("grouped-kip848")).findFirst().orElseThrow()
                    .trim().split("\\s+")).contains("5", "0");
        }
    }

    private static void groupCommand(String... args) throws Exception {
        org.apache.kafka.tools.consumer.group.ConsumerGroupCommand.main(args);
    }

    private static boolean kcatInstalled() {
        try {
            return new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    private static String kcat(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", bootstrap));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        process.getOutputStream().write(stdin.getBytes(UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
        assertThat(process.exitValue()).as("kcat %s exit code; stderr: %s", command, Files.readString(err)).isZero();
        return out;
    }

    @Test
    void kcatReadsMetadataProducesAndConsumes() throws Exception {
        // CI installs kcat (.ci/run sets LEDGERSTREAM_REQUIRE_KCAT); elsewhere the test needs it on the PATH.
        assumeTrue(kcatInstalled() || System.getenv("LEDGERSTREAM_REQUIRE_KCAT") != null, "kcat is not installed");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("kcat", 0, "java-key", "from-java")).get(30, TimeUnit.SECONDS);
        }
        assertThat(kcat("", "-L", "-t", "kcat")).contains("topic \"kcat\" with 1 partitions")
                .contains("partition 0, leader 0");

        kcat("plain-1\nplain-2\n", "-P", "-t", "kcat", "-p", "0");
        kcat("zipped-1\nzipped-2\n", "-P", "-t", "kcat", "-p", "0", "-z", "gzip");
        kcat("snappy-1\n", "-P", "-t", "kcat", "-p", "0", "-z", "snappy");
        assertThat(kcat("", "-C", "-t", "kcat", "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%o %s\\n")
                .lines().toList())
                .containsExactly("0 from-java", "1 plain-1", "2 plain-2", "3 zipped-1", "4 zipped-2", "5 snappy-1");

        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("kcat", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 6 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        assertThat(values).containsExactly("from-java", "plain-1", "plain-2", "zipped-1", "zipped-2", "snappy-1");

        // kcat's balanced consumer joins a group and reads the partition from the start.
        assertThat(kcat("", "-G", "kcat-group", "-X", "auto.offset.reset=earliest", "-c", "6", "-q", "-f", "%s\\n",
                "kcat").lines().toList())
                .containsExactly("from-java", "plain-1", "plain-2", "zipped-1", "zipped-2", "snappy-1");
    }
}
