package io.ledgerstream.log.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka transactions through kafka-clients against one broker on real bookies: what read_committed and
 * read_uncommitted consumers see, fencing, consume-transform-produce with offsets in the transaction, expiry.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TransactionsITCase {
    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 1, 3, Map.of(
                TransactionConfigKeys.ABORT_INTERVAL, "200",
                "transaction.state.log.num.partitions", "3"));
        bootstrap = cluster.bootstrap();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Key names kept here so the test reads like a user's configuration. */
    private static final class TransactionConfigKeys {
        static final String ABORT_INTERVAL = "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    }

    private static KafkaProducer<String, String> transactional(String id, Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.LINGER_MS_CONFIG, "1"));
        settings.putAll(extra);
        return TestClients.producer(bootstrap, settings);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaConsumer<String, String> consumer(IsolationLevel isolation, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Every value a consumer at {@code isolation} reads from the partition's start to its end for that level. */
    private static List<String> readAll(TopicPartition tp, IsolationLevel isolation) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(isolation, null)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
            }
            assertThat(consumer.position(tp)).as("read to the end for " + isolation).isGreaterThanOrEqualTo(end);
        }
        return values;
    }

    @Test
    void readCommittedSeesCommittedAndPlainRecordsOnlyAndStopsAtAnOpenTransaction() throws Exception {
        createTopic("mixed", 1);
        TopicPartition tp = new TopicPartition("mixed", 0);
        try (KafkaProducer<String, String> txn = transactional("mixed-txn", Map.of());
             KafkaProducer<String, String> plain = TestClients.producer(bootstrap, Map.of())) {
            txn.initTransactions();
            txn.beginTransaction();
            txn.send(new ProducerRecord<>("mixed", "k", "committed-1")).get();
            plain.send(new ProducerRecord<>("mixed", "k", "plain-1")).get();
            txn.send(new ProducerRecord<>("mixed", "k", "committed-2")).get();
            txn.commitTransaction();

            txn.beginTransaction();
            txn.send(new ProducerRecord<>("mixed", "k", "aborted-1")).get();
            plain.send(new ProducerRecord<>("mixed", "k", "plain-2")).get();
            txn.send(new ProducerRecord<>("mixed", "k", "aborted-2")).get();
            txn.abortTransaction();

            txn.beginTransaction();
            txn.send(new ProducerRecord<>("mixed", "k", "open-1")).get();
            plain.send(new ProducerRecord<>("mixed", "k", "plain-3")).get();
            // The open transaction holds read_committed readers back: plain-3 lies after its first record.
            assertThat(readAll(tp, IsolationLevel.READ_COMMITTED))
                    .containsExactly("committed-1", "plain-1", "committed-2", "plain-2");
            assertThat(readAll(tp, IsolationLevel.READ_UNCOMMITTED)).containsExactly("committed-1", "plain-1",
                    "committed-2", "aborted-1", "plain-2", "aborted-2", "open-1", "plain-3");
            txn.commitTransaction();
        }
        assertThat(readAll(tp, IsolationLevel.READ_COMMITTED)).containsExactly("committed-1", "plain-1",
                "committed-2", "plain-2", "open-1", "plain-3");
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirstAndAbortsItsTransaction() throws Exception {
        createTopic("fenced", 2);
        KafkaProducer<String, String> first = transactional("fence-me", Map.of());
        try {
            first.initTransactions();
            first.beginTransaction();
            first.send(new ProducerRecord<>("fenced", 0, "k", "zombie")).get();
            first.send(new ProducerRecord<>("fenced", 1, "k", "zombie")).get();
            try (KafkaProducer<String, String> second = transactional("fence-me", Map.of())) {
                second.initTransactions();
                assertThatThrownBy(first::commitTransaction).isInstanceOf(ProducerFencedException.class);
                second.beginTransaction();
                second.send(new ProducerRecord<>("fenced", 0, "k", "live")).get();
                second.commitTransaction();
            }
        } finally {
            first.close(Duration.ZERO);
        }
        assertThat(readAll(new TopicPartition("fenced", 0), IsolationLevel.READ_COMMITTED)).containsExactly("live");
        assertThat(readAll(new TopicPartition("fenced", 1), IsolationLevel.READ_COMMITTED)).isEmpty();
    }

    @Test
    void consumeTransformProduceCommitsOffsetsWithTheOutputSoACrashNeitherLosesNorRepeats() throws Exception {
        createTopic("ctp-in", 1);
        createTopic("ctp-out", 1);
        int count = 300;
        try (KafkaProducer<String, String> input = TestClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                input.send(new ProducerRecord<>("ctp-in", "k", Integer.toString(i)));
            }
            input.flush();
        }
        // First run: processes part of the input in committed transactions, then dies inside an open one.
        KafkaProducer<String, String> crashed = transactional("ctp", Map.of());
        crashed.initTransactions();
        try (KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED, "ctp-group")) {
            consumer.subscribe(List.of("ctp-in"));
            int processed = 0;
            while (processed < 120) {
                processed += transformOnce(consumer, crashed, 40, true);
            }
            transformOnce(consumer, crashed, 40, false);
        }
        crashed.close(Duration.ZERO);
        // Second run: a new instance with the same transactional id fences the dead one and finishes the input.
        try (KafkaProducer<String, String> producer = transactional("ctp", Map.of());
             KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED, "ctp-group")) {
            producer.initTransactions();
            consumer.subscribe(List.of("ctp-in"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (committedOffset("ctp-group", new TopicPartition("ctp-in", 0)) < count
                    && System.nanoTime() < deadline) {
                transformOnce(consumer, producer, 100, true);
            }
        }
        List<String> output = readAll(new TopicPartition("ctp-out", 0), IsolationLevel.READ_COMMITTED);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("out-" + i);
        }
        assertThat(output).containsExactlyElementsOf(expected);
    }

    /** One transaction: reads up to {@code max} records, writes each transformed, sends the offsets; commits or not. */
    private static int transformOnce(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer,
                                     int max, boolean commit) {
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batch.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(batch::add);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        List<ConsumerRecord<String, String>> taken = batch.subList(0, Math.min(max, batch.size()));
        producer.beginTransaction();
        for (ConsumerRecord<String, String> r : taken) {
            producer.send(new ProducerRecord<>("ctp-out", r.key(), "out-" + r.value()));
        }
        ConsumerRecord<String, String> last = taken.get(taken.size() - 1);
        TopicPartition tp = new TopicPartition(last.topic(), last.partition());
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(last.offset() + 1)),
                consumer.groupMetadata());
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
        }
        // The next poll continues after what this transaction covered.
        consumer.seek(tp, last.offset() + 1);
        return taken.size();
    }

    private static long committedOffset(String group, TopicPartition tp) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(tp);
            return committed == null ? -1 : committed.offset();
        }
    }

    @Test
    void offsetsOfAnUndecidedTransactionAreUnstableForReadCommittedConsumersUntilItCommits() throws Exception {
        createTopic("stable-in", 1);
        TopicPartition tp = new TopicPartition("stable-in", 0);
        try (KafkaProducer<String, String> producer = transactional("stable", Map.of());
             Admin admin = TestClients.admin(bootstrap)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(42)),
                    new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("stable-group"));
            assertThat(stableOffsetFetch("stable-group", tp)).as("pending in the transaction")
                    .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT);
            assertThat(committedOffset("stable-group", tp)).as("without requireStable: the last committed")
                    .isEqualTo(-1);
            producer.commitTransaction();
            Await.until("the offset committed with the transaction", Duration.ofSeconds(30), () -> {
                try {
                    return stableOffsetFetch("stable-group", tp) == Errors.NONE
                            && committedOffset("stable-group", tp) == 42;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    /** OffsetFetch v8 with requireStable, as a read_committed consumer sends it: the partition's error. */
    private static Errors stableOffsetFetch(String group, TopicPartition tp) throws Exception {
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        OffsetFetchRequestData data = new OffsetFetchRequestData().setRequireStable(true).setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(tp.topic())
                                .setPartitionIndexes(List.of(tp.partition()))))));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            short version = 8;
            OffsetFetchResponseData response = new OffsetFetchResponseData(new ByteBufferAccessor(
                    RawKafkaRequests.exchange(socket, OffsetFetchRequest.Builder.forTopicNames(data, true)
                            .build(version), 1)), version);
            return Errors.forCode(response.groups().get(0).topics().get(0).partitions().get(0).errorCode());
        }
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        createTopic("expiring", 1);
        try (KafkaProducer<String, String> producer = transactional("slow",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "1000"));
             Admin admin = TestClients.admin(bootstrap)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("expiring", "k", "too-late")).get();
            Await.until("the coordinator aborts the expired transaction", Duration.ofSeconds(30), () -> {
                try {
                    TransactionDescription d = admin.describeTransactions(List.of("slow")).description("slow")
                            .get(10, TimeUnit.SECONDS);
                    return d.state() == TransactionState.COMPLETE_ABORT;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThatThrownBy(producer::commitTransaction).isInstanceOfAny(ProducerFencedException.class,
                    InvalidTxnStateException.class, KafkaException.class);
            assertThat(readAll(new TopicPartition("expiring", 0), IsolationLevel.READ_COMMITTED)).isEmpty();
            List<String> listed = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).toList();
            assertThat(listed).contains("slow");
        }
    }

    @Test
    void transactionalRecordsOfAPartitionNeverAddedToTheTransactionAreRefusedAsKafkaRefusesThem() throws Exception {
        createTopic("unadded", 1);
        TopicPartition tp = new TopicPartition("unadded", 0);
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            InitProducerIdResponseData init =
                    new InitProducerIdResponseData(
                            new ByteBufferAccessor(
                                    RawKafkaRequests.exchange(socket,
                                            new InitProducerIdRequest.Builder(
                                                    new InitProducerIdRequestData()
                                                            .setTransactionalId("unadded-txn")
                                                            .setTransactionTimeoutMs(60_000)).build((short) 4), 1)),
                            (short) 4);
            assertThat(init.errorCode()).isZero();
            ByteBuffer batch = MemoryRecords.withTransactionalRecords(
                    Compression.NONE, init.producerId(), init.producerEpoch(), 0,
                    new SimpleRecord(System.currentTimeMillis(), "k".getBytes(),
                            "never-added".getBytes())).buffer();
            assertThat(produceError(socket, tp, batch, 2, (short) 11, "unadded-txn"))
                    .isEqualTo(Errors.TRANSACTION_ABORTABLE);
            assertThat(produceError(socket, tp, batch, 3, (short) 10, "unadded-txn"))
                    .isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(produceError(socket, tp, batch, 4, (short) 11, null))
                    .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        }
        try (KafkaProducer<String, String> plain = TestClients.producer(bootstrap, Map.of())) {
            plain.send(new ProducerRecord<>("unadded", "k", "plain")).get();
        }
        // Nothing refused opened a transaction: read_committed readers are not held back.
        assertThat(readAll(tp, IsolationLevel.READ_COMMITTED)).containsExactly("plain");
    }

    private static Errors produceError(Socket socket, TopicPartition tp,
                                                                        ByteBuffer batch, int correlation,
                                                                        short version, String transactionalId)
            throws Exception {
        return Errors.forCode(RawKafkaRequests.produce(
                socket, tp, batch.duplicate(), correlation, version, transactionalId).errorCode());
    }

    @Test
    void aTransactionWhoseTopicWasDeletedStillCompletesAndTheNextOneGoesOn() throws Exception {
        createTopic("doomed", 1);
        createTopic("survivor-out", 1);
        try (KafkaProducer<String, String> producer = transactional("doomed-txn",
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000"));
             Admin admin = TestClients.admin(bootstrap)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("doomed", "k", "gone")).get();
            producer.send(new ProducerRecord<>("survivor-out", "k", "first")).get();
            admin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
            // The next transaction starts only once the one before is complete: its marker to the deleted topic is
            // given up, as Kafka does, instead of being retried for ever.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("survivor-out", "k", "second")).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        assertThat(readAll(new TopicPartition("survivor-out", 0), IsolationLevel.READ_COMMITTED))
                .containsExactly("first", "second");
    }

    @Test
    void aTimeoutAboveTheBrokersMaximumIsRefused() {
        try (KafkaProducer<String, String> producer = transactional("greedy",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(3_600_000)))) {
            // kafka-clients treats INVALID_TRANSACTION_TIMEOUT as fatal and reports it with the error's message.
            assertThatThrownBy(producer::initTransactions).hasMessageContaining(
                    "transaction timeout is larger than the maximum value allowed by the broker");
        }
    }
}
