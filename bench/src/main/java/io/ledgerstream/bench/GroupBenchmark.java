package io.ledgerstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Consumer-group costs against any Kafka-protocol broker: the time a group of 10 consumers on 30 partitions takes
 * from start until every member has received records, and offset commit throughput (synchronous commits per
 * second) with 1 and with 10 committing consumers.
 *
 * <p>Arguments: bootstrap servers, replication factor, label.
 */
public final class GroupBenchmark {
    private static final int CONSUMERS = 10;
    private static final int PARTITIONS = 30;
    private static final Duration COMMIT_RUN = Duration.ofSeconds(10);

    private GroupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        short replication = Short.parseShort(args[1]);
        String label = args[2];
        String topic = "group-bench-" + System.currentTimeMillis();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, replication))).all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k", "v"));
                }
            }
            producer.flush();
        }
        long rebalanceMs = groupStart(bootstrap, topic);
        double one = commits(bootstrap, topic, 1);
        double ten = commits(bootstrap, topic, CONSUMERS);
        System.out.printf(Locale.ROOT, "%-14s group of %d on %d partitions, start to all receiving: %,d ms; "
                + "commits/s with 1 consumer: %,.0f; with %d consumers: %,.0f%n", label, CONSUMERS, PARTITIONS,
                rebalanceMs, one, CONSUMERS, ten);
        System.exit(0);
    }

    private static Properties consumerProps(String bootstrap, String group) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        return p;
    }

    private static long groupStart(String bootstrap, String topic) throws Exception {
        String group = "rebalance-" + System.nanoTime();
        long start = System.nanoTime();
        List<CompletableFuture<Long>> received = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            received.add(CompletableFuture.supplyAsync(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group),
                        new StringDeserializer(), new StringDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (System.nanoTime() < deadline) {
                        if (!consumer.poll(Duration.ofMillis(50)).isEmpty()) {
                            long at = System.nanoTime();
                            // Stay in the group until every member got records, so the group does not shrink.
                            while (!allDone(received) && System.nanoTime() < deadline) {
                                consumer.poll(Duration.ofMillis(50));
                            }
                            return at;
                        }
                    }
                    throw new IllegalStateException("a member received nothing within 120 s");
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        long last = 0;
        for (CompletableFuture<Long> r : received) {
            last = Math.max(last, r.get(180, TimeUnit.SECONDS));
        }
        return TimeUnit.NANOSECONDS.toMillis(last - start);
    }

    private static boolean allDone(List<CompletableFuture<Long>> received) {
        return received.size() == CONSUMERS && received.stream().allMatch(CompletableFuture::isDone);
    }

    private static double commits(String bootstrap, String topic, int consumers) throws Exception {
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + COMMIT_RUN.toNanos();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            TopicPartition tp = new TopicPartition(topic, c % PARTITIONS);
            String group = "commits-" + consumers + "-" + c + "-" + System.nanoTime();
            runs.add(CompletableFuture.runAsync(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group),
                        new StringDeserializer(), new StringDeserializer())) {
                    consumer.assign(List.of(tp));
                    long offset = 0;
                    while (System.nanoTime() < end) {
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(++offset)));
                        count.incrementAndGet();
                    }
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return count.get() / (double) COMMIT_RUN.toSeconds();
    }
}
