package io.ledgerstream.bench;

import io.ledgerstream.bench.groups.GroupRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Consumer-group costs against any Kafka-protocol broker, for each group protocol asked for (classic, consumer):
 * start-up of 10 consumers on 30 partitions until every member has received records, the rebalance when an 11th
 * joins, and synchronous offset commits per second with 1 and with 10 committing members (see {@link GroupRun}),
 * after a warm-up of commits.
 *
 * <p>Arguments: bootstrap servers, replication factor, label, then optionally the protocols in the order to run
 * them (comma-separated, default {@code classic}), the commit window in seconds (default 10) and where in the
 * heartbeat cycle the 11th member joins (from 0 to 1, default 0.5; see {@link GroupRun}). Prints a line per
 * protocol, and for the scripts {@code RESULT label protocol start-ms settled-ms join-ms commits/s-1 commits/s-10}.
 */
public final class GroupBenchmark {
    private static final int RECORDS_PER_PARTITION = 10;
    private static final int WARM_UP_CONSUMERS = 10;
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    private GroupBenchmark() {
    }

    public static void main(String[] args) {
        BenchMain.runAndExit(args, GroupBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[0];
        short replication = Short.parseShort(args[1]);
        String label = args[2];
        List<String> protocols = List.of((args.length > 3 ? args[3] : "classic").split(","));
        Duration commitWindow = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 10);
        double joinPhase = args.length > 5 ? Double.parseDouble(args[5]) : 0.5;
        String topic = "group-bench-" + System.currentTimeMillis();
        createTopic(bootstrap, topic, replication);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < GroupRun.PARTITIONS; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k", "v"));
                }
            }
            producer.flush();
        }
        warmUp(bootstrap, topic, label);
        GroupRun run = new GroupRun(bootstrap, topic, commitWindow, joinPhase);
        for (String protocol : protocols) {
            GroupRun.Figures f = run.run(protocol);
            System.out.printf(Locale.ROOT, "%-14s %-8s group of %d on %d partitions, start to all receiving: %,d ms "
                            + "(settled %,d ms); 11th member in (joining at %.2f of a %d s heartbeat cycle): %,d ms; "
                            + "commits/s with 1 consumer: %,.0f; with %d consumers: %,.0f%n", label, protocol,
                    GroupRun.CONSUMERS, GroupRun.PARTITIONS, f.startMs(), f.settledMs(), joinPhase,
                    GroupRun.heartbeatInterval(protocol).toSeconds(), f.joinMs(), f.commitsOne(), GroupRun.CONSUMERS,
                    f.commitsTen());
            System.out.printf(Locale.ROOT, "RESULT %s %s %d %d %d %.1f %.1f%n", label, protocol, f.startMs(),
                    f.settledMs(), f.joinMs(), f.commitsOne(), f.commitsTen());
        }
    }

    /**
     * Warms the broker's commit path (and this JVM's clients) before anything is measured, the same on every broker:
     * {@value #WARM_UP_CONSUMERS} consumers, half of each protocol, each assigned a partition and committing it
     * synchronously in a group of its own for {@link #WARM_UP}. Without it the first measured commits of a fresh
     * broker ran at a third of the later ones.
     */
    private static void warmUp(String bootstrap, String topic, String label) throws Exception {
        long end = System.nanoTime() + WARM_UP.toNanos();
        List<CompletableFuture<Long>> made = new ArrayList<>();
        for (int c = 0; c < WARM_UP_CONSUMERS; c++) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("group.id", "warm-up-" + c + "-" + System.nanoTime());
            p.put("group.protocol", c % 2 == 0 ? "classic" : "consumer");
            p.put("enable.auto.commit", "false");
            TopicPartition tp = new TopicPartition(topic, c % GroupRun.PARTITIONS);
            made.add(CompletableFuture.supplyAsync(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer.assign(List.of(tp));
                    long n = 0;
                    while (System.nanoTime() < end) {
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(n % 2)));
                        n++;
                    }
                    return n;
                }
            }, Executors.newSingleThreadExecutor()));
        }
        long total = 0;
        for (CompletableFuture<Long> m : made) {
            total += m.get(WARM_UP.toSeconds() + 60, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "%-14s warm-up: %,.0f commits/s by %d consumers for %d s%n", label,
                total / (double) WARM_UP.toSeconds(), WARM_UP_CONSUMERS, WARM_UP.toSeconds());
    }

    private static void createTopic(String bootstrap, String topic, short replication) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, GroupRun.PARTITIONS, replication))).all()
                    .get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS)
                        .get(topic);
                if (d.partitions().size() == GroupRun.PARTITIONS
                        && d.partitions().stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has partitions without a leader after 60 s");
                }
                Thread.sleep(100);
            }
        }
    }
}
