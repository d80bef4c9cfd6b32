package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.LoggedWarnings;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams 4.1 applications, unchanged, against the broker, each result checked against one computed here
 * without Streams: a word count (a repartition topic and a key-value changelog), a windowed sum by event time with
 * grace and suppression (a windowed changelog with {@code compact,delete}, a suppression buffer's changelog), and a
 * table-table join (two source tables' changelogs). Each is stopped cleanly, its state directory deleted and started
 * again with more input, so its stores come back from the changelog topics on the broker and its positions from its
 * committed offsets. The internal topics are exactly those Streams asked for, with its configs; with
 * {@code exactly_once_v2} the word count's read_committed output holds each update once, across a restart too; and
 * nothing is logged at WARN or above that Streams does not log against Kafka as well.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaStreamsITCase {
    private static final String[] WORDS = {"ledger", "stream", "bookie", "broker", "offset", "batch", "record",
        "topic", "group", "commit"};
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** What Streams 4.1 sets on a repartition topic. */
    private static final Map<String, String> REPARTITION = Map.of("cleanup.policy", "delete", "retention.ms", "-1",
            "segment.bytes", "52428800", "message.timestamp.type", "CreateTime");
    /** What Streams 4.1 sets on the changelog of a key-value store. */
    private static final Map<String, String> CHANGELOG = Map.of("cleanup.policy", "compact",
            "message.timestamp.type", "CreateTime");

    /**
     * What Streams logs against Kafka as well: a state directory under the OS's temporary folder (the tests'), the
     * first metadata answers for a repartition topic that the group's leader creates only when it assigns, and late
     * records dropped by a window.
     */
    private static final List<Pattern> KAFKAS_OWN_WARNINGS = List.of(
            Pattern.compile("^WARN \\S+\\.StateDirectory - Using an OS temp directory in the state\\.dir property"),
            Pattern.compile("^WARN \\S+\\.NetworkClient - .* reported a recoverable issue .*: "
                    + "\\{[a-z-]+-repartition=UNKNOWN_TOPIC_OR_PARTITION}$"),
            Pattern.compile("^WARN \\S+\\.KStreamWindowAggregate - Skipping record for expired window"));

    @TempDir
    static Path dir;
    @TempDir
    static Path state;
    private static LocalBroker local;
    private LoggedWarnings warnings;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0",
                BrokerConfig.LOG_CLEANER_BACKOFF_MS, "200"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @BeforeEach
    void watchWarnings() {
        warnings = LoggedWarnings.start();
    }

    /** What the clients and the broker logged at WARN or above is only what Streams logs against Kafka too. */
    @AfterEach
    void noWarningsButKafkasOwn() {
        try {
            assertThat(warnings.lines()).filteredOn(line -> line.contains(" org.apache.kafka.")
                            || line.contains(" io.ledgerstream."))
                    .filteredOn(line -> KAFKAS_OWN_WARNINGS.stream().noneMatch(p -> p.matcher(line).find()))
                    .as("warnings and errors logged").isEmpty();
        } finally {
            warnings.close();
        }
    }

    /**
     * Two rounds of 500 lines with a restart from a wiped state directory between them: after each, the latest count
     * of every word is exact and its updates count 1, 2, 3... with no gap or repeat; the second instance restored every
     * changelog record of the first round.
     */
    @Test
    void aWordCountRestoredFromItsChangelogCountsEveryWordOnceAcrossARestart() throws Exception {
        String app = "word-count";
        createTopics("lines", "word-counts");
        List<String> sources = List.of("lines", app + "-words-repartition");
        Map<String, Long> expected = new HashMap<>();
        long firstRoundWords = 0;
        try (StreamsApplication counting = new StreamsApplication(local.bootstrap(), app, state.resolve(app),
                Map.of(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, "0"),
                () -> StreamsTopologies.wordCount("lines", "word-counts"));
             KeyedTopic<Long> counts = new KeyedTopic<>(local.bootstrap(), "word-counts", Serdes.Long().deserializer(),
                     "read_uncommitted")) {
            for (int round = 1; round <= 2; round++) {
                produceLines("lines", 500, new Random(round), expected);
                counting.start();
                counting.awaitProcessed(sources, WAIT);
                assertThat(counts.readToEnd(WAIT).latest()).as("the counts after round %d", round).isEqualTo(expected);
                // No record cache: each occurrence of a word is one update, counting on from the restored count.
                counts.updates().forEach((word, updates) -> assertThat(updates).as("the count updates of %s", word)
                        .isEqualTo(LongStream.rangeClosed(1, updates.size()).boxed().toList()));
                if (round == 1) {
                    firstRoundWords = expected.values().stream().mapToLong(Long::longValue).sum();
                    counting.closeAndWipeState();
                }
            }
            assertThat(counting.restoredRecords()).as("records restored per store")
                    .containsEntry("counts", firstRoundWords);
            assertInternalTopics(app, Map.of("words-repartition", REPARTITION, "counts-changelog", CHANGELOG));
            awaitPurged(app + "-words-repartition");
        }
    }

    /**
     * The word count with {@code exactly_once_v2}, two rounds of 1,000 lines with a restart from a wiped state
     * directory between them, so the counts come back read_committed from a changelog written in transactions: read
     * read_committed, every word's count updates are 1, 2, 3... across both rounds, each committed once.
     */
    @Test
    void anExactlyOnceWordCountCommitsEachCountUpdateOnceAcrossARestart() throws Exception {
        createTopics("lines-eos", "word-counts-eos");
        Map<String, Long> expected = new HashMap<>();
        long firstRoundWords = 0;
        try (StreamsApplication counting = new StreamsApplication(local.bootstrap(), "eos-word-count",
                state.resolve("eos-word-count"),
                Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2),
                () -> StreamsTopologies.wordCount("lines-eos", "word-counts-eos"));
             KeyedTopic<Long> counts = new KeyedTopic<>(local.bootstrap(), "word-counts-eos",
                     Serdes.Long().deserializer(), "read_committed")) {
            for (int round = 1; round <= 2; round++) {
                produceLines("lines-eos", 1_000, new Random(40 + round), expected);
                counting.start();
                // Counts only grow: each word's final count is the last update it gets.
                Await.until("the committed counts of every line", WAIT, () -> {
                    counting.failIfError();
                    counts.poll(Duration.ofMillis(100));
                    return counts.latest().equals(expected);
                });
                counts.updates().forEach((word, updates) -> assertThat(updates).as("the committed counts of %s", word)
                        .isEqualTo(LongStream.rangeClosed(1, updates.size()).boxed().toList()));
                if (round == 1) {
                    firstRoundWords = expected.values().stream().mapToLong(Long::longValue).sum();
                    counting.closeAndWipeState();
                }
            }
            assertThat(counting.restoredRecords()).as("records restored per store")
                    .containsEntry("counts", firstRoundWords);
        }
    }

    /**
     * Tumbling windows of 10 s with 30 s of grace (times in seconds after {@code t0}); a window closes once stream time
     * reaches its end plus grace. Round one: sales within the first 30 s in any order (no window can close: each ends
     * at 10 s or later), then one sale per shop at 100 s, closing every window up to [20, 30). Round two, after the
     * restart: one sale per shop at 101 s first (Streams 4.1 keeps a window aggregation's stream time in the processor,
     * not in the commit, so a new instance learns it from the records it reads, as on Kafka), then late sales in the
     * closed windows (dropped), sales in [70, 80) and in the still open [100, 105) (counted, the latter onto the sums
     * restored from the changelog), then one sale per shop at 200 s, closing [70, 80) and [100, 110).
     */
    @Test
    void aWindowedSumByEventTimeDropsLateSalesAndEmitsEachClosedWindowOnceAcrossARestart() throws Exception {
        String app = "windowed-sums";
        createTopics("sales", "window-sums", "closed-sums");
        List<String> sources = List.of("sales", app + "-sales-by-shop-repartition");
        long t0 = (System.currentTimeMillis() - 15 * 60_000L) / 10_000 * 10_000;
        Random random = new Random(7);
        WindowedSums expected = new WindowedSums(10, 30);
        try (StreamsApplication summing = new StreamsApplication(local.bootstrap(), app, state.resolve(app),
                Map.of(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, "0"),
                () -> StreamsTopologies.windowedSums("sales", t0, "window-sums", "closed-sums"));
             KeyedTopic<Long> sums = new KeyedTopic<>(local.bootstrap(), "window-sums", Serdes.Long().deserializer(),
                     "read_uncommitted");
             KeyedTopic<Long> closed = new KeyedTopic<>(local.bootstrap(), "closed-sums",
                     Serdes.Long().deserializer(), "read_uncommitted")) {
            summing.start();
            sendSales(t0, expected.sales(random, 300, 0, 30_000, true));
            summing.awaitProcessed(sources, WAIT);
            sendSales(t0, expected.salesPerShop(random, 100_000));
            summing.awaitProcessed(sources, WAIT);
            assertThat(sums.readToEnd(WAIT).latest()).as("the latest sum of each window").isEqualTo(expected.sums());
            assertThat(closed.readToEnd(WAIT).updates()).as("closed windows at 100 s")
                    .isEqualTo(expected.closedBy(100));

            summing.closeAndWipeState();
            summing.start();
            sendSales(t0, expected.salesPerShop(random, 101_000));
            summing.awaitProcessed(sources, WAIT);
            List<Sale> secondRound = new ArrayList<>(expected.sales(random, 40, 0, 30_000, false));
            secondRound.addAll(expected.sales(random, 30, 70_000, 80_000, true));
            secondRound.addAll(expected.sales(random, 20, 100_000, 105_000, true));
            Collections.shuffle(secondRound, random);
            sendSales(t0, secondRound);
            summing.awaitProcessed(sources, WAIT);
            sendSales(t0, expected.salesPerShop(random, 200_000));
            summing.awaitProcessed(sources, WAIT);
            assertThat(sums.readToEnd(WAIT).latest()).as("the latest sum of each window").isEqualTo(expected.sums());
            assertThat(closed.readToEnd(WAIT).updates()).as("closed windows at 200 s, each emitted once")
                    .isEqualTo(expected.closedBy(200));
            assertThat(summing.restoredRecords()).as("records restored per store")
                    .hasEntrySatisfying("window-sums", n -> assertThat(n).isPositive())
                    .hasEntrySatisfying("closed-sums-store", n -> assertThat(n).isPositive());
            // The window store's changelog is retained for the store's retention (size plus grace) and a day more.
            assertInternalTopics(app, Map.of("sales-by-shop-repartition", REPARTITION,
                    "window-sums-changelog", Map.of("cleanup.policy", "compact,delete",
                            "retention.ms", Long.toString(40_000 + 86_400_000), "message.timestamp.type", "CreateTime"),
                    "closed-sums-store-changelog", CHANGELOG));
            awaitPurged(app + "-sales-by-shop-repartition");
        }
    }

    /**
     * Names and places of users as two tables (updates and deletes at random), inner-joined on the user: after each
     * round the output's latest value per user is exactly the join of the latest name and place. Round one comes in
     * three bursts, each processed before the next, so that the tables' changelogs (segment.ms 50) roll between them
     * and the broker compacts them; round two, after the restart, changes one side of a user at a time, so its joins
     * need the other side's value as restored from that compacted changelog.
     */
    @Test
    void aTableTableJoinHoldsTheJoinOfTheLatestValuesAcrossARestartFromCompactedChangelogs() throws Exception {
        String app = "table-join";
        createTopics("names", "places", "name-places");
        Map<String, String> compacting = Map.of("segment.ms", "50", "min.cleanable.dirty.ratio", "0.01");
        Map<String, Map<String, String>> tables = Map.of("names", new HashMap<>(), "places", new HashMap<>());
        Random random = new Random(11);
        List<String> sources = List.of("names", "places");
        try (StreamsApplication joining = new StreamsApplication(local.bootstrap(), app, state.resolve(app), Map.of(),
                () -> StreamsTopologies.tableJoin("names", "places", "name-places", compacting));
             KeyedTopic<String> joined = new KeyedTopic<>(local.bootstrap(), "name-places",
                     Serdes.String().deserializer(), "read_uncommitted")) {
            joining.start();
            for (int burst = 0; burst < 3; burst++) {
                sendTableUpdates(random, 60, "1." + burst, tables);
                joining.awaitProcessed(sources, WAIT);
            }
            assertThat(joined.readToEnd(WAIT).latest()).as("the join after round one").isEqualTo(join(tables));
            long namesLogged = awaitCompacted(app + "-names-table-changelog");
            long placesLogged = awaitCompacted(app + "-places-table-changelog");

            joining.closeAndWipeState();
            sendTableUpdates(random, 150, "2", tables);
            joining.start();
            joining.awaitProcessed(sources, WAIT);
            assertThat(joined.readToEnd(WAIT).latest()).as("the join after round two").isEqualTo(join(tables));
            assertThat(joining.restoredRecords()).as("records restored per store, of %d and %d logged", namesLogged,
                            placesLogged)
                    .hasEntrySatisfying("names-table", n -> assertThat(n).isPositive().isLessThan(namesLogged))
                    .hasEntrySatisfying("places-table", n -> assertThat(n).isPositive().isLessThan(placesLogged));
            Map<String, String> changelog = new HashMap<>(CHANGELOG);
            changelog.putAll(compacting);
            assertInternalTopics(app, Map.of("names-table-changelog", changelog, "places-table-changelog", changelog));
        }
    }

    private static void createTopics(String... names) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(java.util.Arrays.stream(names).map(name -> new NewTopic(name, 3, (short) 2)).toList())
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends {@code count} updates of random users' names or places, a fifth of them deletes, and applies them to
     * {@code tables} (by topic, then user); the values are tagged with {@code tag} and their number.
     */
    private static void sendTableUpdates(Random random, int count, String tag,
                                         Map<String, Map<String, String>> tables) {
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            for (int i = 0; i < count; i++) {
                String user = "user-" + random.nextInt(20);
                String table = random.nextBoolean() ? "names" : "places";
                String value = random.nextInt(5) == 0 ? null : table + "-" + tag + "." + i;
                producer.send(new ProducerRecord<>(table, user, value));
                if (value == null) {
                    tables.get(table).remove(user);
                } else {
                    tables.get(table).put(user, value);
                }
            }
        }
    }

    /** The inner join of the tables: {@code name@place} for each user with both. */
    private static Map<String, String> join(Map<String, Map<String, String>> tables) {
        Map<String, String> places = tables.get("places");
        return tables.get("names").entrySet().stream().filter(name -> places.containsKey(name.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, name -> name.getValue() + "@" + places.get(name.getKey())));
    }

    /**
     * Waits until the broker has compacted {@code topic}: read from its start, it holds fewer records than its end
     * offsets (no transaction writes to it, so only compaction leaves gaps). Returns the sum of its end offsets.
     */
    private static long awaitCompacted(String topic) {
        long[] logged = new long[1];
        Await.until("the compaction of " + topic, WAIT, () -> {
            try (KeyedTopic<byte[]> log = new KeyedTopic<>(local.bootstrap(), topic, new ByteArrayDeserializer(),
                    "read_uncommitted")) {
                logged[0] = log.readToEnd(WAIT).endOffsets();
                return log.recordsRead() < logged[0];
            }
        });
        return logged[0];
    }

    /** Sends {@code count} lines of random words, mixed case, adding each word's occurrences to {@code counts}. */
    private static void produceLines(String topic, int count, Random random, Map<String, Long> counts) {
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            for (int i = 0; i < count; i++) {
                StringBuilder line = new StringBuilder();
                for (int w = 0; w < 1 + random.nextInt(6); w++) {
                    String word = WORDS[random.nextInt(WORDS.length)];
                    line.append(w == 0 ? "" : " ").append(random.nextBoolean() ? word : word.toUpperCase(Locale.ROOT));
                    counts.merge(word, 1L, Long::sum);
                }
                producer.send(new ProducerRecord<>(topic, "line-" + i, line.toString()));
            }
        }
    }

    /** Sends each sale with its own event time, {@code t0} plus its offset, keyed by a sale number. */
    private static void sendSales(long t0, List<Sale> sales) {
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            for (int i = 0; i < sales.size(); i++) {
                Sale sale = sales.get(i);
                producer.send(new ProducerRecord<>("sales", null, t0 + sale.atMs(), "sale-" + i,
                        sale.shop() + ":" + sale.amount()));
            }
        }
    }

    /**
     * Checks that the topics Streams created for {@code app} are exactly those of {@code expected} (by name after
     * {@code app-}), each with the configs given there and the three partitions of the application's input.
     */
    private static void assertInternalTopics(String app, Map<String, Map<String, String>> expected) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(app + "-")).map(name -> name.substring(app.length() + 1)))
                    .as("the internal topics of %s", app).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Map.Entry<String, Map<String, String>> internal : expected.entrySet()) {
                String topic = app + "-" + internal.getKey();
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                        .get(resource);
                internal.getValue().forEach((key, value) -> assertThat(config.get(key).value())
                        .as("%s of %s", key, topic).isEqualTo(value));
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(topic);
                assertThat(description.partitions()).as("the partitions of %s", topic).hasSize(3);
            }
        }
    }

    /** Waits until Streams has deleted consumed records of a repartition topic (DeleteRecords after its commits). */
    private static void awaitPurged(String topic) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
            Await.until("a log start offset above 0 in " + topic, WAIT, () -> {
                try {
                    return admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS).values().stream()
                            .anyMatch(info -> info.offset() > 0);
                } catch (Exception e) {
                    throw new AssertionError("Listing the log start offsets of " + topic, e);
                }
            });
        }
    }
}
