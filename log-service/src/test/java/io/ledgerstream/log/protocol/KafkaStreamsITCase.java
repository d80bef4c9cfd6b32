package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams 4.1 word count against the broker: it creates its repartition and changelog topics with the
 * configs Streams sets ({@code message.timestamp.type}, {@code segment.bytes}, {@code cleanup.policy}, ...), runs
 * on a classic group, and its output holds exactly the counts of the words fed in; with {@code exactly_once_v2}
 * (transactions, offsets sent with them) its read_committed output holds each count update exactly once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaStreamsITCase {
    private static final String[] WORDS = {"ledger", "stream", "bookie", "broker", "offset", "batch", "record",
        "topic", "group", "commit"};
    private static final int LINES = 2_000;

    @TempDir
    static Path dir;
    @TempDir
    static Path state;
    private static LocalBroker local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void aWordCountCreatesItsTopicsAndCountsExactly() throws Exception {
        Map<String, List<Long>> updates = wordCount(StreamsConfig.AT_LEAST_ONCE, "word-count", "lines", "word-counts");
        assertThat(updates).isNotEmpty();
    }

    @Test
    void anExactlyOnceWordCountCommitsEachCountUpdateOnce() throws Exception {
        Map<String, List<Long>> updates = wordCount(StreamsConfig.EXACTLY_ONCE_V2, "word-count-eos", "lines-eos",
                "word-counts-eos");
        // Read read_committed, with no record cache: every occurrence of a word is one update, counting 1, 2, 3...
        updates.forEach((word, counts) -> assertThat(counts).as("the committed counts of %s", word)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, counts.size()).boxed().toList()));
    }

    /** Runs a word count over {@code lines}; returns each word's count updates as read from {@code out}. */
    private static Map<String, List<Long>> wordCount(String guarantee, String app, String lines, String out)
            throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(lines, 3, (short) 2), new NewTopic(out, 3, (short) 2)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Long> expected = new HashMap<>();
        Random random = new Random(42);
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            for (int i = 0; i < LINES; i++) {
                StringBuilder line = new StringBuilder();
                for (int w = 0; w < 1 + random.nextInt(6); w++) {
                    String word = WORDS[random.nextInt(WORDS.length)];
                    line.append(w == 0 ? "" : " ").append(random.nextBoolean() ? word : word.toUpperCase(Locale.ROOT));
                    expected.merge(word, 1L, Long::sum);
                }
                producer.send(new ProducerRecord<>(lines, "line-" + i, line.toString()));
            }
            producer.flush();
        }

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(lines, org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .to(out, Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap());
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve(app).toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

        Map<String, Long> counted = new HashMap<>();
        Map<String, List<Long>> updates = new HashMap<>();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
             KafkaConsumer<String, Long> output = new KafkaConsumer<>(Map.of("bootstrap.servers", local.bootstrap(),
                     "group.id", app + "-check", "auto.offset.reset", "earliest",
                     "isolation.level", "read_committed"),
                     Serdes.String().deserializer(), Serdes.Long().deserializer())) {
            streams.start();
            output.subscribe(List.of(out));
            Await.until("the word counts of every line", Duration.ofSeconds(120), () -> {
                for (ConsumerRecord<String, Long> r : output.poll(Duration.ofMillis(200))) {
                    counted.put(r.key(), r.value());
                    updates.computeIfAbsent(r.key(), k -> new java.util.ArrayList<>()).add(r.value());
                }
                if (streams.state() == KafkaStreams.State.ERROR) {
                    throw new AssertionError("Kafka Streams failed");
                }
                return counted.equals(expected);
            });
            try (Admin admin = TestClients.admin(local.bootstrap())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(
                        app + "-KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition",
                        app + "-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog");
            }
        }
        assertThat(counted).isEqualTo(expected);
        return updates;
    }
}
