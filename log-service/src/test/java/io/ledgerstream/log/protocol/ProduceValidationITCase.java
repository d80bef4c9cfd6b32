package io.ledgerstream.log.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.testing.BatchBytes;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer cannot poison a partition: batches no consumer could decode are refused with Kafka's codes, and the
 * partition stays readable by kafka-clients; ApiVersions is answered at any version; topics stamp log append time
 * and recompress as their settings say.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProduceValidationITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static int correlation;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 2).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static ByteBuffer batch(String... keys) {
        SimpleRecord[] records = new SimpleRecord[keys.length];
        for (int i = 0; i < keys.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), keys[i].getBytes(UTF_8),
                    ("value-" + keys[i]).getBytes(UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    /** Produces {@code batch} to partition 0 of {@code topic} in a request of its own and returns the answer. */
    private static ProduceResponseData.PartitionProduceResponse produce(Socket socket, String topic, ByteBuffer batch)
            throws Exception {
        return RawKafkaRequests.produce(socket, new TopicPartition(topic, 0), batch, ++correlation);
    }

    @Test
    void batchesNoConsumerCouldReadAreRefusedAndThePartitionStaysReadable() throws Exception {
        createTopic("poison", Map.of());
        try (Socket socket = new Socket("127.0.0.1", local.broker().kafkaPort())) {
            socket.setSoTimeout(60_000);
            assertThat(produce(socket, "poison", batch("k0")).baseOffset()).isZero();

            ByteBuffer lyingLength = BatchBytes.copy(batch("a", "b"));
            lyingLength.put(BatchBytes.RECORDS, (byte) (((lyingLength.get(BatchBytes.RECORDS) >> 1) + 3) << 1));
            assertRefused(produce(socket, "poison", BatchBytes.withCrc(lyingLength)), Errors.INVALID_RECORD);
            for (int codec = 5; codec <= 7; codec++) {
                assertRefused(produce(socket, "poison", BatchBytes.withCodec(batch("c"), codec)), Errors.CORRUPT_MESSAGE);
            }
            for (int codec = 1; codec <= 4; codec++) {
                ProduceResponseData.PartitionProduceResponse notCompressed =
                        produce(socket, "poison", BatchBytes.withCodec(batch("d", "e"), codec));
                assertThat(Errors.forCode(notCompressed.errorCode())).as("codec " + codec)
                        .isIn(Errors.CORRUPT_MESSAGE, Errors.INVALID_RECORD);
            }
            assertRefused(produce(socket, "poison", BatchBytes.withTrailingBytes(batch("f"), new byte[7])),
                    Errors.INVALID_RECORD);
            assertRefused(produce(socket, "poison", BatchBytes.withCount(batch("g", "h"), 3)), Errors.INVALID_RECORD);
            ByteBuffer marker = MemoryRecords.withEndTransactionMarker(7L, (short) 0,
                    new EndTransactionMarker(ControlRecordType.COMMIT, 0)).buffer();
            ProduceResponseData.PartitionProduceResponse markerRefused = produce(socket, "poison", marker);
            assertRefused(markerRefused, Errors.INVALID_RECORD);
            assertThat(markerRefused.errorMessage()).contains("control records");
            ByteBuffer notAtZero = BatchBytes.copy(batch("i"));
            notAtZero.putLong(0, 42);
            assertRefused(produce(socket, "poison", notAtZero), Errors.INVALID_RECORD);

            assertThat(produce(socket, "poison", batch("k1")).baseOffset()).isEqualTo(1);
        }
        List<ConsumerRecord<String, String>> read =
                TestClients.readFromStart(local.bootstrap(), new TopicPartition("poison", 0), 2, WAIT);
        assertThat(read).extracting(ConsumerRecord::key).containsExactly("k0", "k1");
        assertThat(read).extracting(ConsumerRecord::offset).containsExactly(0L, 1L);
    }

    private static void assertRefused(ProduceResponseData.PartitionProduceResponse response, Errors expected) {
        assertThat(Errors.forCode(response.errorCode())).as(response.errorMessage()).isEqualTo(expected);
        assertThat(response.errorMessage()).isNotBlank();
        assertThat(response.baseOffset()).isEqualTo(-1);
    }

    @Test
    void produceNeverCreatesATopic() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", local.broker().kafkaPort());
             Admin admin = Admin.create(Map.of("bootstrap.servers", local.bootstrap()))) {
            socket.setSoTimeout(60_000);
            // As Kafka: UNKNOWN_TOPIC_OR_PARTITION, and no topic; only Metadata (when allowed) or CreateTopics makes one.
            assertThat(Errors.forCode(produce(socket, "never-created", batch("k")).errorCode()))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("never-created");
        }
    }

    @Test
    void kafkaClientsSayWhichRecordsOfABatchWereRefused() throws Exception {
        createTopic("compacted-keys", Map.of("cleanup.policy", "compact"));
        createTopic("timely", Map.of("message.timestamp.before.max.ms", "60000"));
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(),
                Map.of("linger.ms", "1000", "batch.size", "100000"))) {
            var keyed = producer.send(new ProducerRecord<>("compacted-keys", "k", "v"));
            var keyless = producer.send(new ProducerRecord<>("compacted-keys", null, "v"));
            producer.flush();
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> keyless.get(30, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("without key");
            // The keyed record of the same batch is not the one named: kafka-clients fails it as a batch-mate.
            assertThat(org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> keyed.get(30, TimeUnit.SECONDS)).getCause().getMessage()).doesNotContain("without key");

            ExecutionException tooOld = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("timely", 0, System.currentTimeMillis() - 3_600_000L,
                            "k", "v")).get(30, TimeUnit.SECONDS));
            assertThat(tooOld.getCause()).isInstanceOf(org.apache.kafka.common.errors.InvalidTimestampException.class);
            assertThat(producer.send(new ProducerRecord<>("timely", "k", "now")).get(30, TimeUnit.SECONDS).offset())
                    .isZero();
        }
    }

    @Test
    void logAppendTimeTopicsStampEachBatchAndCompressedTopicsRecompress() throws Exception {
        createTopic("stamped", Map.of("message.timestamp.type", "LogAppendTime", "compression.type", "zstd"));
        long before = System.currentTimeMillis();
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            sent = producer.send(new ProducerRecord<>("stamped", 0, 1000L, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        assertThat(sent.timestamp()).isBetween(before, System.currentTimeMillis());
        List<ConsumerRecord<String, String>> read =
                TestClients.readFromStart(local.bootstrap(), new TopicPartition("stamped", 0), 1, WAIT);
        assertThat(read).hasSize(1);
        assertThat(read.get(0).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(read.get(0).timestamp()).isEqualTo(sent.timestamp());
        assertThat(read.get(0).value()).isEqualTo("v");

        try (ReadResult stamped = local.broker().logs().log(new TopicPartition("stamped", 0))
                .thenCompose(log -> log.readAsync(0, 1 << 20)).get(30, TimeUnit.SECONDS)) {
            ByteBuffer stored = stamped.batches().get(0);
            RecordBatch batch = MemoryRecords.readableRecords(stored.duplicate()).batches().iterator().next();
            assertThat(batch.compressionType()).isEqualTo(org.apache.kafka.common.record.CompressionType.ZSTD);
            assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            batch.ensureValid();
        }
    }

    @Test
    void apiVersionsIsAnsweredAtAnyVersionAndBrokenHeadersCloseOnlyTheirConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", local.broker().kafkaPort())) {
            for (short version : new short[] {-1, Short.MIN_VALUE, 5, Short.MAX_VALUE}) {
                ByteBuffer header = RawKafkaRequests.header(ApiKeys.API_VERSIONS.id, version, 7, "probe");
                // From v3 on ApiVersions is flexible: its header ends with (empty) tagged fields.
                byte[] frame = version >= 3 ? java.util.Arrays.copyOf(header.array(), header.remaining() + 1)
                        : header.array();
                ByteBuffer answer = RawKafkaRequests.exchangeFrame(socket, frame);
                assertThat(answer).as("answer to ApiVersions v" + version).isNotNull();
                assertThat(ResponseHeader.parse(answer, (short) 0).correlationId()).isEqualTo(7);
                ApiVersionsResponseData versions = new ApiVersionsResponseData(new ByteBufferAccessor(answer), (short) 0);
                assertThat(versions.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
                ApiVersionsResponseData.ApiVersion apiVersions = versions.apiKeys().find(ApiKeys.API_VERSIONS.id);
                assertThat(apiVersions.minVersion()).isZero();
                assertThat(apiVersions.maxVersion()).isEqualTo((short) 4);
            }
        }
        try (Socket lying = new Socket("127.0.0.1", local.broker().kafkaPort());
             Socket honest = new Socket("127.0.0.1", local.broker().kafkaPort())) {
            ByteBuffer header = RawKafkaRequests.header(ApiKeys.METADATA.id, (short) 4, 1, "abc");
            header.putShort(8, (short) 500);
            assertThat(RawKafkaRequests.exchangeFrame(lying, header.array())).as("a client id longer than its frame")
                    .isNull();
            ByteBuffer unknownApi = RawKafkaRequests.header((short) 9999, (short) 0, 2, "abc");
            try (Socket other = new Socket("127.0.0.1", local.broker().kafkaPort())) {
                assertThat(RawKafkaRequests.exchangeFrame(other, unknownApi.array())).isNull();
            }
            ByteBuffer ok = RawKafkaRequests.header(ApiKeys.API_VERSIONS.id, (short) 0, 3, "abc");
            assertThat(RawKafkaRequests.exchangeFrame(honest, ok.array())).isNotNull();
        }
    }
}
