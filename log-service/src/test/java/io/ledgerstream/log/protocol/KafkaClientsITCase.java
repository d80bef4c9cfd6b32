package io.ledgerstream.log.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kafka-clients (Admin, Producer, Consumer) against a broker on real in-process ZooKeeper and bookies. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaClientsITCase {
    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static Broker broker;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of(BrokerConfig.NUM_PARTITIONS, "2"));
        broker = local.broker();
        bootstrap = local.bootstrap();
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static KafkaProducer<String, String> producer(String compression) {
        return producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression));
    }

    /** A producer without idempotence, acks=all and 5 ms linger unless {@code overrides} say otherwise. */
    private static KafkaProducer<String, String> producer(Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putAll(overrides);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer() {
        return consumer(Map.of());
    }

    /** A consumer without auto-commit and with 200 ms fetch waits unless {@code overrides} say otherwise. */
    private static KafkaConsumer<String, String> consumer(Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
        p.putAll(overrides);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int partitions, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    @Test
    void adminCreatesAndDescribesTopicsWithKafkasErrors() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("described", 3, (short) 2))).all().get(30, TimeUnit.SECONDS);
            TopicDescription description = admin.describeTopics(List.of("described")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("described");
            assertThat(description.partitions()).hasSize(3);
            assertThat(description.partitions().get(0).leader().id()).isEqualTo(0);

            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("described", 1, (short) 1))).all().get())
                    .hasCauseInstanceOf(TopicExistsException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidTopicException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("too-replicated", 1, (short) 4)))
                    .all().get()).hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidReplicationFactorException.class)
                    .hasMessageContaining("3 writable bookies");
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("no-partitions", 0, (short) 1)))
                    .all().get()).hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidPartitionsException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
                    .configs(Map.of("retention.ms", "soon")))).all().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidConfigurationException.class);
            CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
            admin.createTopics(List.of(new NewTopic("validated", 4, (short) 2)), validateOnly).all()
                    .get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("described", 1, (short) 1)),
                    validateOnly).all().get()).hasCauseInstanceOf(TopicExistsException.class);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("validated", 0, (short) 1)),
                    validateOnly).all().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidPartitionsException.class);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("described")
                    .doesNotContain("bad-config", "no-partitions", "validated");
        }
    }

    @Test
    void adminDescribesAltersGrowsAndDeletesTopics() throws Exception {
        try (Admin admin = admin();
             KafkaProducer<String, String> producer = producer("none")) {
            admin.createTopics(List.of(new NewTopic("configured", 1, (short) 2)
                    .configs(Map.of("retention.ms", "60000")))).all().get(30, TimeUnit.SECONDS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("60000");
            assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("segment.bytes").value()).isEqualTo(Long.toString(1L << 30));
            assertThat(config.get("segment.bytes").isDefault()).isTrue();

            producer.send(new ProducerRecord<>("configured", 0, "k", "x".repeat(2000))).get(30, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "1000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE))))
                    .all().get(30, TimeUnit.SECONDS);
            config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("max.message.bytes").value()).isEqualTo("1000");
            assertThat(config.get("retention.ms").isDefault()).isTrue();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("configured", 0, "k", "x".repeat(2000)))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RecordTooLargeException.class);
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "later"), AlterConfigOp.OpType.SET)))).all().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.InvalidConfigurationException.class);

            // The table schema kept for the Flink catalog: stored and described as given.
            String schema = "{\"version\":1,\"columns\":[{\"name\":\"k\",\"type\":\"STRING\"}]}";
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("ledgerstream.schema", schema), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("ledgerstream.schema").value()).isEqualTo(schema);
            assertThat(config.get("ledgerstream.schema").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

            admin.createPartitions(Map.of("configured", NewPartitions.increaseTo(3))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of("configured")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("configured").partitions()).hasSize(3);
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isNotBlank();

            admin.deleteTopics(List.of("configured")).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("configured");
            assertThatThrownBy(() -> admin.deleteTopics(List.of("configured")).all().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);

            // Topics have no ids here: asking by one finds nothing, with Kafka's error for an unknown id.
            org.apache.kafka.common.TopicCollection byId = org.apache.kafka.common.TopicCollection.ofTopicIds(
                    List.of(org.apache.kafka.common.Uuid.randomUuid()));
            assertThatThrownBy(() -> admin.describeTopics(byId).allTopicIds().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicIdException.class);
            assertThatThrownBy(() -> admin.deleteTopics(byId).all().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicIdException.class);
        }
    }

    @Test
    void keyedRecordsRoundTripInPartitionOrderWithContiguousOffsets() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        int count = 100_000;
        Map<Integer, List<String>> sentPerPartition = new HashMap<>();
        try (KafkaProducer<String, String> producer = producer("none")) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>("orders", "key-" + (i % 97), "value-" + i);
                record.headers().add("n", Integer.toString(i).getBytes(UTF_8));
                sends.add(producer.send(record));
            }
            for (int i = 0; i < count; i++) {
                RecordMetadata metadata = sends.get(i).get(30, TimeUnit.SECONDS);
                sentPerPartition.computeIfAbsent(metadata.partition(), p -> new ArrayList<>()).add("value-" + i);
            }
        }
        List<ConsumerRecord<String, String>> read = readAll("orders", 3, count);
        assertThat(read).hasSize(count);
        Map<Integer, List<ConsumerRecord<String, String>>> readPerPartition = new HashMap<>();
        read.forEach(r -> readPerPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
        for (Map.Entry<Integer, List<ConsumerRecord<String, String>>> e : readPerPartition.entrySet()) {
            List<ConsumerRecord<String, String>> records = e.getValue();
            assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(sentPerPartition.get(e.getKey()));
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).offset()).isEqualTo(i);
                String n = new String(records.get(i).headers().lastHeader("n").value(), UTF_8);
                assertThat(records.get(i).value()).isEqualTo("value-" + n);
                assertThat(records.get(i).key()).isEqualTo("key-" + (Integer.parseInt(n) % 97));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesAreStoredAsSentAndReadBack(String codec) throws Exception {
        String topic = "compressed-" + codec;
        try (KafkaProducer<String, String> producer = producer(codec)) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "compressible value " + i + " ".repeat(100)));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, 1, 500);
        assertThat(read).extracting(ConsumerRecord::key)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "k" + i).toList());
    }

    @Test
    void nullValuesTimestampsAndOffsetsByTime() throws Exception {
        String topic = "timed";
        long base = 1_700_000_000_000L;
        try (KafkaProducer<String, String> producer = producer("none")) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, "k" + i, i % 2 == 0 ? null : "v" + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, 1, 10);
        assertThat(read).hasSize(10);
        assertThat(read.get(4).value()).isNull();
        assertThat(read.get(5).value()).isEqualTo("v5");
        assertThat(read.get(7).timestamp()).isEqualTo(base + 7000);

        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer();
             Admin admin = admin()) {
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(Map.of(tp, base + 3500));
            assertThat(byTime.get(tp).offset()).isEqualTo(4);
            assertThat(byTime.get(tp).timestamp()).isEqualTo(base + 4000);
            assertThat(consumer.beginningOffsets(List.of(tp)).get(tp)).isZero();
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isEqualTo(10);
            assertThat(consumer.offsetsForTimes(Map.of(tp, base + 60_000)).get(tp)).isNull();
            org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo newest = admin.listOffsets(
                    Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.maxTimestamp())).partitionResult(tp)
                    .get(30, TimeUnit.SECONDS);
            assertThat(newest.offset()).isEqualTo(9);
            assertThat(newest.timestamp()).isEqualTo(base + 9000);

            assertThat(admin.deleteRecords(Map.of(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(6)))
                    .all().get(30, TimeUnit.SECONDS)).isNull();
            assertThat(consumer.beginningOffsets(List.of(tp)).get(tp)).isEqualTo(6);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<Long> offsets = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (offsets.size() < 4 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> offsets.add(r.offset()));
            }
            assertThat(offsets).containsExactly(6L, 7L, 8L, 9L);
        }
    }

    @Test
    void aMalformedFrameClosesOnlyItsConnection() throws Exception {
        String topic = "survivor";
        try (KafkaProducer<String, String> producer = producer("none")) {
            producer.send(new ProducerRecord<>(topic, 0, "before", "x")).get(30, TimeUnit.SECONDS);
        }
        for (byte[] garbage : List.of(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8},
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0},
                new byte[] {0x7f, 0, 0, 0})) {
            try (Socket socket = new Socket("127.0.0.1", broker.kafkaPort())) {
                socket.setSoTimeout(10_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.write(garbage);
                out.flush();
                assertThat(closedByBroker(new DataInputStream(socket.getInputStream()))).isTrue();
            }
        }
        try (KafkaProducer<String, String> producer = producer("none")) {
            producer.send(new ProducerRecord<>(topic, 0, "after", "y")).get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(topic, 1, 2)).extracting(ConsumerRecord::key).containsExactly("before", "after");
    }

    @Test
    void randomTruncatedAndOversizedFramesLeaveTheBrokerServingAndTheDataIntact() throws Exception {
        String topic = "fuzzed";
        try (KafkaProducer<String, String> producer = producer("none")) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
            }
            producer.flush();
        }
        java.util.Random random = new java.util.Random(20261124L);
        byte[] apiVersions = validApiVersionsFrame();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < 300 && System.nanoTime() < deadline; i++) {
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(frame);
            switch (i % 6) {
                case 0 -> {
                    byte[] garbage = new byte[random.nextInt(200)];
                    random.nextBytes(garbage);
                    out.write(garbage);
                }
                case 1 -> {
                    byte[] body = new byte[random.nextInt(100) + 1];
                    random.nextBytes(body);
                    out.writeInt(body.length);
                    out.write(body);
                }
                case 2 -> out.write(apiVersions, 0, 4 + random.nextInt(apiVersions.length - 4));
                case 3 -> out.writeInt(Integer.MAX_VALUE - random.nextInt(1000));
                case 4 -> out.writeInt(-1 - random.nextInt(1000));
                default -> {
                    byte[] body = apiVersions.clone();
                    for (int flip = 0; flip < 3; flip++) {
                        body[4 + random.nextInt(body.length - 4)] = (byte) random.nextInt(256);
                    }
                    out.write(body);
                }
            }
            try (Socket socket = new Socket("127.0.0.1", broker.kafkaPort())) {
                socket.setSoTimeout(2_000);
                socket.getOutputStream().write(frame.toByteArray());
                socket.shutdownOutput();
                // The broker answers, closes, or waits for the rest of a truncated frame; any of these is fine.
                socket.getInputStream().read();
            } catch (IOException e) {
                // Reset or timeout on this connection only.
            }
        }
        try (KafkaProducer<String, String> producer = producer("none")) {
            producer.send(new ProducerRecord<>(topic, 0, "k50", "v50")).get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(topic, 1, 51)).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, 50).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void aFetchWithNoDataWaitsForMaxWaitAndAnAppendWakesItAtOnce() throws Exception {
        String topic = "long-poll";
        try (KafkaProducer<String, String> producer = producer("none")) {
            producer.send(new ProducerRecord<>(topic, 0, "first", "x")).get(30, TimeUnit.SECONDS);
        }
        try (Socket socket = new Socket("127.0.0.1", broker.kafkaPort())) {
            socket.setSoTimeout(30_000);
            long start = System.nanoTime();
            org.apache.kafka.common.requests.FetchResponse empty = fetch(socket, topic, 1, 800, 1);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(empty.responseData(Map.of(), (short) 12).values()).allSatisfy(p ->
                    assertThat(org.apache.kafka.common.requests.FetchResponse.recordsSize(p)).isZero());
            assertThat(waitedMs).as("held for max.wait.ms").isBetween(700L, 10_000L);

            java.util.concurrent.CompletableFuture<Void> append = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (KafkaProducer<String, String> producer = producer("none")) {
                    producer.send(new ProducerRecord<>(topic, 0, "second", "y")).get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            start = System.nanoTime();
            org.apache.kafka.common.requests.FetchResponse woken = fetch(socket, topic, 1, 20_000, 2);
            long wokenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            append.get(30, TimeUnit.SECONDS);
            assertThat(woken.responseData(Map.of(), (short) 12).values()).anySatisfy(p ->
                    assertThat(org.apache.kafka.common.requests.FetchResponse.recordsSize(p)).isPositive());
            assertThat(wokenMs).as("woken by the append, long before max.wait.ms").isLessThan(15_000L);
        }
    }

    /** Sends one Fetch v12 for partition 0 of {@code topic} at {@code offset} and reads its response. */
    private static org.apache.kafka.common.requests.FetchResponse fetch(Socket socket, String topic, long offset,
                                                                         int maxWaitMs, int correlationId)
            throws IOException {
        return fetch(socket, topic, offset, maxWaitMs, correlationId,
                org.apache.kafka.common.requests.FetchMetadata.LEGACY);
    }

    private static org.apache.kafka.common.requests.FetchResponse fetch(Socket socket, String topic, long offset,
            int maxWaitMs, int correlationId, org.apache.kafka.common.requests.FetchMetadata session)
            throws IOException {
        short version = 12;
        Map<TopicPartition, org.apache.kafka.common.requests.FetchRequest.PartitionData> partitions = new java.util.LinkedHashMap<>();
        partitions.put(new TopicPartition(topic, 0), new org.apache.kafka.common.requests.FetchRequest.PartitionData(
                org.apache.kafka.common.Uuid.ZERO_UUID, offset, 0, 1 << 20, java.util.Optional.empty()));
        org.apache.kafka.common.requests.FetchRequest request = org.apache.kafka.common.requests.FetchRequest.Builder
                .forConsumer(version, maxWaitMs, 1, partitions).metadata(session).build(version);
        java.nio.ByteBuffer buffer = RawKafkaRequests.exchange(socket, request, correlationId);
        return org.apache.kafka.common.requests.FetchResponse.parse(
                new org.apache.kafka.common.protocol.ByteBufferAccessor(buffer), version);
    }

    @Test
    void produceV0IsAdvertisedAsKafkaDoesButAnOldProduceRequestClosesOnlyItsConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.kafkaPort())) {
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write(validApiVersionsFrame());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(response);
            org.apache.kafka.common.requests.ResponseHeader.parse(buffer, (short) 0);
            org.apache.kafka.common.requests.ApiVersionsResponse versions =
                    org.apache.kafka.common.requests.ApiVersionsResponse.parse(
                            new org.apache.kafka.common.protocol.ByteBufferAccessor(buffer), (short) 3);
            org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion produce =
                    versions.apiVersion(org.apache.kafka.common.protocol.ApiKeys.PRODUCE.id);
            assertThat(produce.minVersion()).as("librdkafka compresses only for brokers advertising v0").isZero();
            assertThat(produce.maxVersion()).isGreaterThanOrEqualTo((short) 9);
        }
        try (Socket socket = new Socket("127.0.0.1", broker.kafkaPort())) {
            socket.setSoTimeout(10_000);
            org.apache.kafka.common.requests.RequestHeader header = new org.apache.kafka.common.requests.RequestHeader(
                    org.apache.kafka.common.protocol.ApiKeys.PRODUCE, (short) 2, "old-client", 1);
            java.nio.ByteBuffer encoded = org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(
                    header.data(), header.headerVersion()).buffer();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(encoded.remaining() + 8);
            out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
            out.write(new byte[8]);
            out.flush();
            assertThat(closedByBroker(new DataInputStream(socket.getInputStream()))).isTrue();
        }
        try (KafkaProducer<String, String> producer = producer("gzip")) {
            producer.send(new ProducerRecord<>("after-old-produce", 0, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll("after-old-produce", 1, 1)).extracting(ConsumerRecord::key).containsExactly("k");
    }

    private static byte[] validApiVersionsFrame() {
        org.apache.kafka.common.requests.ApiVersionsRequest request =
                new org.apache.kafka.common.requests.ApiVersionsRequest.Builder().build((short) 3);
        org.apache.kafka.common.requests.RequestHeader header = new org.apache.kafka.common.requests.RequestHeader(
                org.apache.kafka.common.protocol.ApiKeys.API_VERSIONS, (short) 3, "fuzz", 1);
        java.nio.ByteBuffer body = org.apache.kafka.common.requests.RequestUtils.serialize(header.data(),
                header.headerVersion(), request.data(), (short) 3);
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(4 + body.remaining());
        frame.putInt(body.remaining()).put(body);
        return frame.array();
    }

    @Test
    void idleConnectionsAreClosedAfterConnectionsMaxIdleMs() throws Exception {
        // A second broker on the same cluster, with a short idle limit; it serves no partition here.
        try (Broker idleBroker = Broker.start(local.cluster().brokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "connections.max.idle.ms", "300", "broker.id", "7")), Clock.systemUTC());
             Socket socket = new Socket("127.0.0.1", idleBroker.kafkaPort())) {
            socket.setSoTimeout(10_000);
            assertThat(closedByBroker(new DataInputStream(socket.getInputStream())))
                    .as("closed by the broker, not by the read timeout").isTrue();
        }
    }

    private static boolean closedByBroker(DataInputStream in) {
        try {
            return in.read() == -1;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Test
    void producingToAnUnknownTopicCreatesIt() throws Exception {
        try (KafkaProducer<String, String> producer = producer("none")) {
            producer.send(new ProducerRecord<>("auto-created", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of("auto-created")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("auto-created").partitions()).hasSize(2);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1"})
    void producersWithAcksZeroOrOneAndRequestsInFlightLandEveryRecordInOrder(String acks) {
        String topic = "acks-" + acks;
        int count = 20_000;
        // Small batches and no linger: many produce requests, up to five in flight on the one connection.
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.BATCH_SIZE_CONFIG, "2048", ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, 1, count);
        assertThat(read).extracting(ConsumerRecord::value).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, count).mapToObj(i -> "v" + i).toList());
        assertThat(read).extracting(ConsumerRecord::offset).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, count).boxed().toList());
    }

    @Test
    void aConsumerSeeksReadsCommittedAndAnEmptyPollWaitsFetchMaxWait() throws Exception {
        String topic = "seek-and-wait";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = producer("none")) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, String> readCommittedSlowFetches = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "800");
        try (KafkaConsumer<String, String> consumer = consumer(readCommittedSlowFetches)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 3);
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            Await.until("offsets 3 and 4 read", Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(300)).forEach(read::add);
                return read.size() >= 2;
            });
            assertThat(read).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);
            assertThat(read).extracting(ConsumerRecord::value).containsExactly("v3", "v4");
        }
        try (KafkaConsumer<String, String> consumer = consumer(readCommittedSlowFetches)) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            List<ConsumerRecord<String, String>> none = new ArrayList<>();
            Await.until("three fetches answered", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(none::add);
                return metric(consumer, "fetch-total") >= 3;
            });
            assertThat(none).isEmpty();
            // Every fetch found nothing: each was held for fetch.max.wait.ms (800), none answered at once.
            assertThat(metric(consumer, "fetch-latency-avg")).isBetween(700.0, 5_000.0);
            assertThat(metric(consumer, "fetch-latency-max")).isBetween(700.0, 5_000.0);
        }
    }

    private static double metric(KafkaConsumer<?, ?> consumer, String name) {
        return consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("consumer-fetch-manager-metrics")
                        && !e.getKey().tags().containsKey("topic"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst().orElseThrow(() -> new AssertionError("no consumer metric " + name));
    }

    @Test
    void fullFetchesAreServedWhateverSessionTheyNameAndIncrementalOnesFindNoSession() throws Exception {
        String topic = "sessionless";
        try (KafkaProducer<String, String> producer = producer("none")) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (Socket socket = new Socket("127.0.0.1", broker.kafkaPort())) {
            socket.setSoTimeout(30_000);
            org.apache.kafka.common.requests.FetchResponse closing = fetch(socket, topic, 0, 0, 1,
                    new org.apache.kafka.common.requests.FetchMetadata(123, -1));
            assertThat(closing.error()).isEqualTo(org.apache.kafka.common.protocol.Errors.NONE);
            assertThat(closing.sessionId()).isZero();
            assertThat(closing.responseData(Map.of(), (short) 12).values()).anySatisfy(partition ->
                    assertThat(org.apache.kafka.common.requests.FetchResponse.recordsSize(partition)).isPositive());

            org.apache.kafka.common.requests.FetchResponse incremental = fetch(socket, topic, 0, 0, 2,
                    new org.apache.kafka.common.requests.FetchMetadata(123, 1));
            assertThat(incremental.error()).isEqualTo(org.apache.kafka.common.protocol.Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
    }

    @Test
    void aFrameOfSocketRequestMaxBytesIsServedAndALargerOneRefusedBeforeItsBodyArrives() throws Exception {
        int max = 2048;
        try (Broker small = Broker.start(local.cluster().brokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "socket.request.max.bytes", Integer.toString(max), "broker.id", "8")), Clock.systemUTC())) {
            try (Socket socket = new Socket("127.0.0.1", small.kafkaPort())) {
                socket.setSoTimeout(10_000);
                byte[] frame = apiVersionsFrameOfSize(max);
                socket.getOutputStream().write(frame);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                int size = in.readInt();
                assertThat(size).as("an ApiVersions response to a frame of exactly the limit").isPositive();
                in.readFully(new byte[size]);
            }
            try (Socket socket = new Socket("127.0.0.1", small.kafkaPort())) {
                socket.setSoTimeout(10_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(max + 1);
                out.flush();
                assertThat(closedByBroker(new DataInputStream(socket.getInputStream())))
                        .as("closed on the size alone, without waiting for the body").isTrue();
            }
        }
    }

    /** An ApiVersions v3 request whose client software name pads it to exactly {@code size} bytes after the size. */
    private static byte[] apiVersionsFrameOfSize(int size) {
        for (int nameLength = 1; nameLength < size; nameLength++) {
            org.apache.kafka.common.requests.ApiVersionsRequest request =
                    new org.apache.kafka.common.requests.ApiVersionsRequest.Builder(
                            new org.apache.kafka.common.message.ApiVersionsRequestData()
                                    .setClientSoftwareName("x".repeat(nameLength)).setClientSoftwareVersion("1"),
                            (short) 3, (short) 3).build((short) 3);
            org.apache.kafka.common.requests.RequestHeader header = new org.apache.kafka.common.requests.RequestHeader(
                    org.apache.kafka.common.protocol.ApiKeys.API_VERSIONS, (short) 3, "limit", 1);
            java.nio.ByteBuffer body = org.apache.kafka.common.requests.RequestUtils.serialize(header.data(),
                    header.headerVersion(), request.data(), (short) 3);
            if (body.remaining() == size) {
                java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(4 + size);
                frame.putInt(size).put(body);
                return frame.array();
            }
        }
        throw new IllegalStateException("no ApiVersions request of " + size + " bytes");
    }
}
