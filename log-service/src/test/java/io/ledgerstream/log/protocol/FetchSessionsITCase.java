package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch sessions (KIP-227): a session opened by a full fetch, incremental fetches that carry only what changed both
 * ways, a response limit served partition by partition, the errors for a wrong epoch, an unknown session or one that
 * named topics otherwise, the bounded cache, and a consumer of many partitions reading everything exactly once
 * through them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FetchSessionsITCase {
    private static final String TOPIC = "sessions";

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static Uuid topicId;
    private static int correlation;

    @BeforeAll
    static void start() throws Exception {
        // No leader moves to a broker a test adds for a moment.
        local = LocalBroker.start(dir.toFile(), Map.of("leader.balance.delay.ms", "3600000"));
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            topicId = admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 2))).topicId(TOPIC)
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    /** A fetch to send: its topic, session, partitions and their offsets, those it forgets, and its limits. */
    private record Fetch(short version, String topic, Uuid id, FetchMetadata session, Map<Integer, Long> offsets,
                         List<Integer> forgotten, int maxWaitMs, int maxBytes) {
        static Fetch of(FetchMetadata session, Map<Integer, Long> offsets) {
            return new Fetch((short) 12, TOPIC, topicId, session, offsets, List.of(), 0, Integer.MAX_VALUE);
        }

        Fetch version(int v) {
            return new Fetch((short) v, topic, id, session, offsets, forgotten, maxWaitMs, maxBytes);
        }

        Fetch on(String otherTopic, Uuid otherId) {
            return new Fetch(version, otherTopic, otherId, session, offsets, forgotten, maxWaitMs, maxBytes);
        }

        Fetch forgetting(Integer... partitions) {
            return new Fetch(version, topic, id, session, offsets, List.of(partitions), maxWaitMs, maxBytes);
        }

        Fetch waiting(int ms) {
            return new Fetch(version, topic, id, session, offsets, forgotten, ms, maxBytes);
        }

        Fetch limitedTo(int bytes) {
            return new Fetch(version, topic, id, session, offsets, forgotten, maxWaitMs, bytes);
        }
    }

    private static FetchResponse send(Socket socket, Fetch fetch) throws IOException {
        Uuid id = fetch.version() >= 13 ? fetch.id() : Uuid.ZERO_UUID;
        Map<TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
        fetch.offsets().forEach((p, offset) -> partitions.put(new TopicPartition(fetch.topic(), p),
                new FetchRequest.PartitionData(id, offset, 0, 1 << 20, Optional.empty())));
        List<TopicIdPartition> forgotten = new ArrayList<>();
        fetch.forgotten().forEach(p -> forgotten.add(new TopicIdPartition(id, p, fetch.topic())));
        FetchRequest request = FetchRequest.Builder.forConsumer(fetch.version(), fetch.maxWaitMs(), 1, partitions)
                .metadata(fetch.session()).removed(forgotten).setMaxBytes(fetch.maxBytes()).build(fetch.version());
        return FetchResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(socket, request, ++correlation)),
                fetch.version());
    }

    /** The partitions a response carries, with how many bytes of records each has. */
    private static Map<Integer, Integer> carried(FetchResponse response) {
        Map<Integer, Integer> carried = new HashMap<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            for (FetchResponseData.PartitionData p : topic.partitions()) {
                assertThat(p.errorCode()).as("partition %s", p.partitionIndex()).isEqualTo(Errors.NONE.code());
                carried.put(p.partitionIndex(), FetchResponse.recordsSize(p));
            }
        }
        return carried;
    }

    private static void produce(Socket socket, int partition, String value) throws IOException {
        produce(socket, TOPIC, partition, value);
    }

    private static void produce(Socket socket, String topic, int partition, String value) throws IOException {
        assertThat(RawKafkaRequests.produce(socket, new TopicPartition(topic, partition),
                TestBatches.keyless(value, System.currentTimeMillis()), ++correlation).errorCode())
                .isEqualTo(Errors.NONE.code());
    }

    private static long highWatermark(FetchResponse response, int partition) {
        return response.data().responses().get(0).partitions().stream().filter(p -> p.partitionIndex() == partition)
                .findFirst().orElseThrow().highWatermark();
    }

    @Test
    void anIncrementalSessionCarriesOnlyWhatChangedBothWays() throws Exception {
        try (Socket socket = socket()) {
            produce(socket, 0, "first");
            FetchResponse full = send(socket, Fetch.of(FetchMetadata.INITIAL, Map.of(0, 0L, 1, 0L, 2, 0L)));
            int session = full.sessionId();
            assertThat(session).as("a session was opened").isPositive();
            assertThat(carried(full)).containsOnlyKeys(0, 1, 2);
            assertThat(carried(full).get(0)).isPositive();
            long p0End = highWatermark(full, 0);

            // Partition 0 read up to its end; nothing else changed: nothing comes back.
            FetchResponse quiet = send(socket, Fetch.of(new FetchMetadata(session, 1), Map.of(0, p0End)));
            assertThat(quiet.error()).isEqualTo(Errors.NONE);
            assertThat(quiet.sessionId()).isEqualTo(session);
            assertThat(carried(quiet)).isEmpty();

            // A record in partition 1 wakes the long poll; only partition 1 comes back, although the request named
            // no partition at all.
            produce(socket, 1, "second");
            FetchResponse woken = send(socket, Fetch.of(new FetchMetadata(session, 2), Map.of()).waiting(10_000));
            assertThat(carried(woken)).containsOnlyKeys(1);
            assertThat(carried(woken).get(1)).isPositive();

            FetchResponse replayed = send(socket, Fetch.of(new FetchMetadata(session, 2), Map.of()));
            assertThat(replayed.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);

            // Forgotten, partition 1 is no longer read, though it has records from where the session was.
            FetchResponse forgot = send(socket, Fetch.of(new FetchMetadata(session, 3), Map.of()).forgetting(1));
            assertThat(carried(forgot)).isEmpty();
            produce(socket, 2, "third");
            FetchResponse after = send(socket, Fetch.of(new FetchMetadata(session, 4), Map.of()).waiting(10_000));
            assertThat(carried(after)).containsOnlyKeys(2);

            // Epoch -1 closes the session and is answered in full, without one.
            FetchResponse closing = send(socket, Fetch.of(new FetchMetadata(session, FetchMetadata.FINAL_EPOCH),
                    Map.of(0, 0L)));
            assertThat(closing.sessionId()).isZero();
            assertThat(carried(closing)).containsOnlyKeys(0);
            FetchResponse gone = send(socket, Fetch.of(new FetchMetadata(session, 5), Map.of()));
            assertThat(gone.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
    }

    /**
     * A response limit below what the partitions may return together: partitions are read one after another, the
     * first with records goes over the limit by one batch and the later ones bring none; that partition then goes
     * to the end of the session's order, so the next fetch serves the next partition.
     */
    @Test
    void aResponseLimitServesOnePartitionAndTheSessionServesTheNextOneNext() throws Exception {
        String topic = "limited";
        Uuid id;
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            id = admin.createTopics(List.of(new NewTopic(topic, 3, (short) 2))).topicId(topic)
                    .get(30, TimeUnit.SECONDS);
        }
        try (Socket socket = socket()) {
            Map<Integer, Long> fromStart = new LinkedHashMap<>();
            for (int p = 0; p < 3; p++) {
                produce(socket, topic, p, "limited-" + p);
                fromStart.put(p, 0L);
            }
            FetchResponse full = send(socket, Fetch.of(FetchMetadata.INITIAL, fromStart).on(topic, id).limitedTo(1));
            int session = full.sessionId();
            assertThat(session).isPositive();
            assertThat(carried(full)).containsOnlyKeys(0, 1, 2);
            assertThat(carried(full).get(0)).as("one batch over the limit").isPositive();
            assertThat(carried(full).get(1)).isZero();
            assertThat(carried(full).get(2)).isZero();
            FetchResponseData.PartitionData first = full.data().responses().get(0).partitions().stream()
                    .filter(p -> p.partitionIndex() == 0).findFirst().orElseThrow();
            long next = 0;
            for (RecordBatch batch : FetchResponse.recordsOrFail(first).batches()) {
                next = batch.nextOffset();
            }

            FetchResponse then = send(socket, Fetch.of(new FetchMetadata(session, 1), Map.of(0, next)).on(topic, id)
                    .limitedTo(1));
            assertThat(then.error()).isEqualTo(Errors.NONE);
            assertThat(carried(then).get(1)).as("partition 1, next in the session's order").isPositive();
            assertThat(carried(then).getOrDefault(2, 0)).isZero();
            assertThat(carried(then).getOrDefault(0, 0)).isZero();
            send(socket, Fetch.of(new FetchMetadata(session, FetchMetadata.FINAL_EPOCH), Map.of()).on(topic, id));
        }
    }

    @Test
    void aSessionOpenedWithTopicIdsRefusesRequestsThatNameTopics() throws Exception {
        try (Socket socket = socket()) {
            FetchResponse full = send(socket, Fetch.of(FetchMetadata.INITIAL, Map.of(0, 0L)).version(18));
            assertThat(full.error()).isEqualTo(Errors.NONE);
            assertThat(full.data().responses()).singleElement()
                    .satisfies(t -> assertThat(t.topicId()).isEqualTo(topicId));
            int session = full.sessionId();
            assertThat(session).isPositive();
            FetchResponse byName = send(socket, Fetch.of(new FetchMetadata(session, 1), Map.of()));
            assertThat(byName.error()).isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
            FetchResponse byId = send(socket, Fetch.of(new FetchMetadata(session, 1), Map.of()).version(18));
            assertThat(byId.error()).isEqualTo(Errors.NONE);
            send(socket, Fetch.of(new FetchMetadata(session, FetchMetadata.FINAL_EPOCH), Map.of()).version(18));
        }
    }

    @Test
    void whenTheCacheIsFullAConsumerFetchesInFullWithoutASession() throws Exception {
        try (Broker small = Broker.start(local.cluster().brokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "broker.id", "8", "max.incremental.fetch.session.cache.slots", "1")), Clock.systemUTC());
             Socket first = new Socket("127.0.0.1", small.kafkaPort());
             Socket second = new Socket("127.0.0.1", small.kafkaPort())) {
            first.setSoTimeout(30_000);
            second.setSoTimeout(30_000);
            assertThat(send(first, Fetch.of(FetchMetadata.INITIAL, Map.of(0, 0L))).sessionId()).isPositive();
            FetchResponse noRoom = send(second, Fetch.of(FetchMetadata.INITIAL, Map.of(0, 0L)));
            assertThat(noRoom.error()).isEqualTo(Errors.NONE);
            assertThat(noRoom.sessionId()).as("no slot left").isZero();
        }
    }

    @Test
    void aConsumerOfManyPartitionsReadsEachRecordOnceThroughItsSession() throws Exception {
        String topic = "many-partitions";
        int partitions = 24;
        int perPartition = 25;
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of("linger.ms", "0"));
             KafkaConsumer<String, String> consumer = TestClients.consumer(local.bootstrap())) {
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int sent = 0;
            while (seen.size() < partitions * perPartition && System.nanoTime() < deadline) {
                // A trickle: a few partitions change between fetches, the others stay quiet.
                for (int i = 0; i < 3 && sent < partitions * perPartition; i++, sent++) {
                    producer.send(new ProducerRecord<>(topic, (sent * 7) % partitions, null, "r" + sent));
                }
                producer.flush();
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                    seen.merge(r.value(), 1, Integer::sum);
                }
            }
        }
        assertThat(seen).hasSize(partitions * perPartition);
        assertThat(seen.values()).as("each record read once").containsOnly(1);
    }

    private static Socket socket() throws IOException {
        return RawKafkaRequests.connect(local.broker().kafkaPort());
    }
}
