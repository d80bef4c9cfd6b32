package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real kafka-clients consumers in groups against the broker's classic group coordinator. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsumerGroupsITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static String bootstrap;

    /** Snapshots every 50 offset records, so that the restart test sees the replay bounded. */
    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of("group.initial.rebalance.delay.ms", "300",
                "offsets.snapshot.records", "50"));
        bootstrap = local.bootstrap();
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static KafkaConsumer<String, String> consumer(String group, String instanceId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        if (instanceId != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Polls every consumer in turn until each holds {@code sizes[i]} partitions and together all of them. */
    private static void awaitAssignment(List<KafkaConsumer<String, String>> consumers, int total, int... sizes) {
        Await.until("assignment " + java.util.Arrays.toString(sizes), WAIT, () -> {
            Set<TopicPartition> all = new HashSet<>();
            boolean sized = true;
            for (int i = 0; i < consumers.size(); i++) {
                consumers.get(i).poll(Duration.ofMillis(100));
                all.addAll(consumers.get(i).assignment());
                sized &= consumers.get(i).assignment().size() == sizes[i];
            }
            return sized && all.size() == total;
        });
    }

    @Test
    void membersSharePartitionsAndRebalanceWhenOneJoinsOrDies() throws Exception {
        createTopic("shared", 6);
        KafkaConsumer<String, String> a = consumer("sharing", null);
        KafkaConsumer<String, String> b = consumer("sharing", null);
        KafkaConsumer<String, String> c = consumer("sharing", "static-c");
        try {
            a.subscribe(List.of("shared"));
            b.subscribe(List.of("shared"));
            awaitAssignment(List.of(a, b), 6, 3, 3);

            c.subscribe(List.of("shared"));
            awaitAssignment(List.of(a, b, c), 6, 2, 2, 2);

            // A static member leaves no LeaveGroup behind when it closes: its partitions move once its session expires.
            c.close();
            awaitAssignment(List.of(a, b), 6, 3, 3);
        } finally {
            a.close();
            b.close();
        }
    }

    /** A consumer subscribed to a topic whose rebalance callbacks are recorded. */
    private static KafkaConsumer<String, String> recorded(String group, String instanceId, String topic,
                                                          List<String> events) {
        KafkaConsumer<String, String> consumer = consumer(group, instanceId);
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                events.add("revoked " + partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.add("assigned " + partitions);
            }
        });
        return consumer;
    }

    /**
     * Restarts one static member of a stable two-member group and checks that it takes back exactly what it owned
     * while the other member sees no rebalance, for longer than the old incarnation's session timeout.
     */
    private static KafkaConsumer<String, String> restartWithoutRebalance(KafkaConsumer<String, String> restarting,
                                                                         String instanceId,
                                                                         KafkaConsumer<String, String> other,
                                                                         List<String> otherEvents,
                                                                         List<String> restartedEvents) {
        Set<TopicPartition> owned = new HashSet<>(restarting.assignment());
        Set<TopicPartition> othersOwned = new HashSet<>(other.assignment());
        List<String> before = List.copyOf(otherEvents);
        restarting.close();
        KafkaConsumer<String, String> restarted = recorded("statics", instanceId, "static", restartedEvents);
        Await.until(instanceId + " owns its partitions again", WAIT, () -> {
            restarted.poll(Duration.ofMillis(100));
            other.poll(Duration.ofMillis(100));
            return restarted.assignment().equals(owned);
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
        while (System.nanoTime() < until) {
            restarted.poll(Duration.ofMillis(200));
            other.poll(Duration.ofMillis(200));
        }
        assertThat(restarted.assignment()).isEqualTo(owned);
        assertThat(other.assignment()).isEqualTo(othersOwned);
        assertThat(otherEvents).as("the other member saw no rebalance").isEqualTo(before);
        return restarted;
    }

    @Test
    void restartedStaticMembersTakeBackTheirPartitionsWithoutARebalanceLeaderIncluded() throws Exception {
        createTopic("static", 4);
        List<String> aEvents = new CopyOnWriteArrayList<>();
        List<String> bEvents = new CopyOnWriteArrayList<>();
        KafkaConsumer<String, String> a = recorded("statics", "static-a", "static", aEvents);
        awaitAssignment(List.of(a), 4, 4);
        KafkaConsumer<String, String> b = recorded("statics", "static-b", "static", bEvents);
        KafkaConsumer<String, String> dynamic = consumer("statics", null);
        try {
            awaitAssignment(List.of(a, b), 4, 2, 2);
            // A third member comes and goes, so both static members have been through more than one rebalance
            // and now join with partitions they own in their metadata.
            dynamic.subscribe(List.of("static"));
            List<KafkaConsumer<String, String>> three = List.of(a, b, dynamic);
            Await.until("three members share the partitions", WAIT, () -> {
                three.forEach(c -> c.poll(Duration.ofMillis(100)));
                return three.stream().noneMatch(c -> c.assignment().isEmpty());
            });
            dynamic.close();
            awaitAssignment(List.of(a, b), 4, 2, 2);

            b = restartWithoutRebalance(b, "static-b", a, aEvents, bEvents);
            // static-a joined first: it leads the group, and a restarted leader keeps the assignment too.
            a = restartWithoutRebalance(a, "static-a", b, bEvents, aEvents);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aCooperativeStickyGroupRebalancesIncrementallyAndTwoGroupsEachReadEverything() throws Exception {
        createTopic("cooperative", 4);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>("cooperative", i % 4, "k", Integer.toString(i)));
            }
            producer.flush();
        }
        KafkaConsumer<String, String> a = cooperativeConsumer("coop");
        KafkaConsumer<String, String> b = cooperativeConsumer("coop");
        try (KafkaConsumer<String, String> other = consumer("coop-other", null)) {
            a.subscribe(List.of("cooperative"));
            awaitAssignment(List.of(a), 4, 4);
            Set<TopicPartition> before = new HashSet<>(a.assignment());
            b.subscribe(List.of("cooperative"));
            awaitAssignment(List.of(a, b), 4, 2, 2);
            assertThat(before).as("the first member kept what it still owns (incremental)").containsAll(a.assignment());

            other.subscribe(List.of("cooperative"));
            List<String> values = new ArrayList<>();
            Await.until("the second group reads everything", WAIT, () -> {
                other.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= 40;
            });
            assertThat(values).hasSize(40).doesNotHaveDuplicates();
        } finally {
            a.close();
            b.close();
        }
    }

    private static KafkaConsumer<String, String> cooperativeConsumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    @Test
    void committedOffsetsSurviveAConsumerRestartWithNothingLostOrRedelivered() throws Exception {
        createTopic("committed", 2);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>("committed", i % 2, "k", Integer.toString(i)));
            }
            producer.flush();
        }
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> first = consumer("resuming", null)) {
            first.subscribe(List.of("committed"));
            Await.until("100 records", WAIT, () -> {
                for (ConsumerRecord<String, String> r : first.poll(Duration.ofMillis(100))) {
                    if (seen.size() < 100) {
                        seen.add(r.value());
                        first.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()),
                                new OffsetAndMetadata(r.offset() + 1)));
                    }
                }
                return seen.size() >= 100;
            });
        }
        try (KafkaConsumer<String, String> second = consumer("resuming", null)) {
            second.subscribe(List.of("committed"));
            Await.until("the remaining records", WAIT, () -> {
                second.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                return seen.size() >= 200;
            });
        }
        assertThat(seen).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() throws Exception {
        createTopic("durable", 2);
        TopicPartition p0 = new TopicPartition("durable", 0);
        TopicPartition p1 = new TopicPartition("durable", 1);
        // The group's own partition of the offsets topic is where its snapshots move the start.
        TopicPartition internal = new TopicPartition(OffsetStore.TOPIC,
                OffsetStore.partitionFor("durable-group", local.broker().config().offsetsTopicPartitions()));
        try (KafkaConsumer<String, String> consumer = consumer("durable-group", null)) {
            consumer.assign(List.of(p0, p1));
            for (int i = 1; i <= 40; i++) {
                consumer.commitSync(Map.of(p0, new OffsetAndMetadata(i), p1, new OffsetAndMetadata(100 + i, "m" + i)));
            }
            Await.until("a snapshot to move the start of the offsets topic", WAIT,
                    () -> consumer.beginningOffsets(List.of(internal)).get(internal) > 0);
        }
        local.restart();
        bootstrap = local.bootstrap();
        try (KafkaConsumer<String, String> consumer = consumer("durable-group", null)) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1));
            assertThat(committed.get(p0).offset()).isEqualTo(40);
            assertThat(committed.get(p1).offset()).isEqualTo(140);
            assertThat(committed.get(p1).metadata()).isEqualTo("m40");
            assertThat(consumer.beginningOffsets(List.of(internal)).get(internal))
                    .as("the snapshot's start survived: replay does not read every commit")
                    .isPositive();
        }
    }

    @Test
    void consumersThatAssignPartitionsCommitThroughTheGroup() throws Exception {
        createTopic("assigned", 1);
        TopicPartition tp = new TopicPartition("assigned", 0);
        try (KafkaConsumer<String, String> consumer = consumer("assigning", null)) {
            consumer.assign(List.of(tp));
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(42, "checkpoint-7")));
            OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
            assertThat(committed.offset()).isEqualTo(42);
            assertThat(committed.metadata()).isEqualTo("checkpoint-7");
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            assertThat(admin.listConsumerGroupOffsets("assigning").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(tp).offset()).isEqualTo(42);
            assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS))
                    .anySatisfy(g -> assertThat(g.groupId()).isEqualTo("assigning"));
        }
    }
}
