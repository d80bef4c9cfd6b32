package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.io.File;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Property-based fuzzing of record batches against the real broker on real bookies: valid batches of every codec,
 * with and without keys and headers, idempotent or not, damaged in the ways a buggy producer damages them. Every
 * batch is refused with one of Kafka's codes, or accepted and read by a kafka-clients consumer as exactly the records
 * kafka-clients' own decoder reads from it; and the broker keeps answering other connections throughout.
 */
class RecordBatchFuzzITCase {
    private static final String TOPIC = "fuzzed";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    /** What Kafka answers to a batch it will not store; UNKNOWN_SERVER_ERROR is never one. */
    private static final Set<Errors> REFUSALS = Set.of(Errors.CORRUPT_MESSAGE, Errors.INVALID_RECORD,
            Errors.INVALID_TIMESTAMP, Errors.MESSAGE_TOO_LARGE,
            Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, Errors.INVALID_PRODUCER_EPOCH, Errors.UNKNOWN_PRODUCER_ID,
            // A batch flagged transactional outside a transaction (sent without a transactional id, or never
            // added to the transaction): Kafka's answers, so that no such batch opens a transaction nobody ends.
            Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, Errors.INVALID_TXN_STATE, Errors.TRANSACTION_ABORTABLE);

    /** Each try's idempotent producer is new: the broker answers a repeated first batch as a retry. */
    private static final java.util.concurrent.atomic.AtomicLong PRODUCER_IDS = new java.util.concurrent.atomic.AtomicLong(1L << 40);

    private static File dir;
    private static LocalBroker local;
    private static Socket producer;
    private static Socket bystander;
    private static KafkaConsumer<byte[], byte[]> consumer;
    private static int correlation;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("record-batch-fuzz").toFile();
        local = LocalBroker.start(dir, Map.of());
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        producer = new Socket("127.0.0.1", local.broker().kafkaPort());
        bystander = new Socket("127.0.0.1", local.broker().kafkaPort());
        // A broker that stops answering fails the try instead of hanging the build.
        producer.setSoTimeout(60_000);
        bystander.setSoTimeout(60_000);
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", local.bootstrap(), "enable.auto.commit", "false",
                "fetch.max.wait.ms", "50"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(PARTITION));
    }

    @AfterContainer
    static void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        for (Socket s : new Socket[] {producer, bystander}) {
            if (s != null) {
                s.close();
            }
        }
        if (local != null) {
            local.close();
        }
        try (var paths = Files.walk(dir.toPath())) {
            paths.sorted(java.util.Comparator.reverseOrder()).map(java.nio.file.Path::toFile).forEach(File::delete);
        }
    }

    /** A record as compared: what a consumer relies on. */
    private record Read(List<Byte> key, List<Byte> value, List<String> headers, Long timestamp) {
    }

    @Property
    void everyBatchIsRefusedWithKafkasCodeOrReadExactlyAsKafkaClientsDecodeIt(
            @ForAll("batches") FuzzedBatch generated, @ForAll("mutations") BatchMutation mutation) throws Exception {
        ByteBuffer sent = mutation.apply(generated.build(PRODUCER_IDS.incrementAndGet()));
        List<Read> reference = referenceDecode(sent.duplicate());

        ProduceResponseData.PartitionProduceResponse answer = produce(sent);
        Errors error = Errors.forCode(answer.errorCode());
        if (mutation instanceof BatchMutation.Intact) {
            assertThat(error).as("an intact batch is accepted: %s", answer.errorMessage()).isEqualTo(Errors.NONE);
        }
        if (error == Errors.NONE) {
            assertThat(reference).as("accepted a batch kafka-clients cannot decode: %s", answer).isNotNull();
            assertThat(readBack(answer.baseOffset(), reference)).isEqualTo(reference);
        } else {
            assertThat(REFUSALS).as("refused with %s (%s)", error, answer.errorMessage()).contains(error);
            assertThat(answer.errorMessage()).isNotBlank();
        }
        assertThat(RawKafkaRequests.exchangeFrame(bystander,
                RawKafkaRequests.header((short) 18, (short) 0, ++correlation, "bystander").array()))
                .as("the broker still answers another connection").isNotNull();
    }

    /** The records kafka-clients reads from the bytes, or null when it cannot read them all. */
    private static List<Read> referenceDecode(ByteBuffer bytes) {
        try {
            List<Read> read = new ArrayList<>();
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                batch.ensureValid();
                boolean createTime = batch.timestampType() == TimestampType.CREATE_TIME;
                for (Record r : batch) {
                    read.add(new Read(bytes(r.key()), bytes(r.value()), headers(r.headers()),
                            createTime ? r.timestamp() : null));
                }
            }
            return read.isEmpty() ? null : read;
        } catch (RuntimeException | Error undecodable) {
            // snappy-java fails on a damaged stream with an Error of its own.
            return null;
        }
    }

    private static ProduceResponseData.PartitionProduceResponse produce(ByteBuffer batch) throws Exception {
        return RawKafkaRequests.produce(producer, PARTITION, batch, ++correlation);
    }

    /**
     * Reads as many records as {@code reference} holds from {@code offset} with the consumer (a record it cannot
     * decode fails the try); timestamps are compared only where the reference has create times.
     */
    private static List<Read> readBack(long offset, List<Read> reference) {
        int count = reference.size();
        consumer.seek(PARTITION, offset);
        List<Read> read = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (read.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (read.size() < count) {
                    assertThat(r.offset()).isEqualTo(offset + read.size());
                    boolean compared = reference.get(read.size()).timestamp() != null;
                    read.add(new Read(list(r.key()), list(r.value()), headers(r.headers().toArray()),
                            compared ? r.timestamp() : null));
                }
            }
        }
        return read;
    }

    private static List<Byte> bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return list(copy);
    }

    private static List<Byte> list(byte[] b) {
        if (b == null) {
            return null;
        }
        List<Byte> list = new ArrayList<>(b.length);
        for (byte x : b) {
            list.add(x);
        }
        return list;
    }

    private static List<String> headers(Header[] headers) {
        List<String> list = new ArrayList<>();
        for (Header h : headers) {
            list.add(h.key() + "=" + (h.value() == null ? "null" : Arrays.toString(h.value())));
        }
        return list;
    }

    @Provide
    Arbitrary<FuzzedBatch> batches() {
        Arbitrary<Header> header = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(16).injectNull(0.2)).as(FuzzedBatch.Spec::header);
        Arbitrary<FuzzedBatch.Spec> record = Combinators.combine(
                Arbitraries.strings().ofMaxLength(16).injectNull(0.3),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).injectNull(0.1),
                header.list().ofMaxSize(3),
                Arbitraries.longs().between(-600_000, 600_000)).as(FuzzedBatch.Spec::new);
        return Combinators.combine(Arbitraries.of(CompressionType.class), record.list().ofMinSize(1).ofMaxSize(20),
                Arbitraries.of(true, false)).as(FuzzedBatch::new);
    }

    @Provide
    Arbitrary<BatchMutation> mutations() {
        Arbitrary<Integer> where = Arbitraries.integers().between(0, 9_999);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new BatchMutation.Intact())),
                net.jqwik.api.Tuple.of(4, Combinators.combine(where, Arbitraries.integers().between(1, 255),
                        Arbitraries.of(true, false)).as(BatchMutation.FlipByte::new)),
                net.jqwik.api.Tuple.of(4, Combinators.combine(where, Arbitraries.integers().between(0, 255))
                        .as(BatchMutation.SetRecordByte::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(-3, 3)
                        .filter(d -> d != 0), Arbitraries.of(true, false)).as(BatchMutation.WrongCount::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 7).map(BatchMutation.Codec::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(1, 40),
                        Arbitraries.of(true, false)).as(BatchMutation.Truncate::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20)
                        .map(BatchMutation.Trailing::new)),
                net.jqwik.api.Tuple.of(4, Combinators.combine(where, Arbitraries.integers().between(1, 255))
                        .as(BatchMutation.InnerFlip::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(-2, Integer.MAX_VALUE)
                        .edgeCases(c -> c.add(Integer.MAX_VALUE - 64)).map(BatchMutation.InnerLength::new)));
    }
}
