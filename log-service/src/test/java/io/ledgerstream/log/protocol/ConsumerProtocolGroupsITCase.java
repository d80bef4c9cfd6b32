package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups of the new protocol (KIP-848) with kafka-clients' own consumer ({@code group.protocol=consumer}):
 * members joining and leaving under load with nothing lost and nothing read twice after a commit, the server-side
 * assignors, describe through the admin client, and classic groups beside them.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConsumerProtocolGroupsITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalBroker local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of("group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", "6000"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaConsumer<String, String> consumer(String group, String protocol, Map<String, String> more) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.putAll(more);
        return new KafkaConsumer<>(props);
    }

    /**
     * A member on its own thread: polls, records what it read, commits after every poll and when partitions are
     * taken away, until stopped.
     */
    private static final class Member implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

        Member(String group, String topic, Map<String, String> config, Map<String, Integer> reads) {
            thread = new Thread(() -> {
                try (KafkaConsumer<String, String> consumer = consumer(group, "consumer", config)) {
                    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                            consumer.commitSync();
                            assigned.removeAll(partitions);
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                            assigned.addAll(partitions);
                        }
                    });
                    while (running) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                            reads.merge(r.value(), 1, Integer::sum);
                        }
                        consumer.commitSync();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "member-" + group);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(30_000);
            if (failure.get() != null) {
                throw new AssertionError("member failed", failure.get());
            }
        }
    }

    @Test
    void membersJoiningAndLeavingUnderLoadLoseNothingAndReadNothingTwice() throws Exception {
        String topic = "kip848-load";
        String group = "kip848-load-group";
        createTopic(topic, 6);
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        int total = 3000;
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of());
             Member first = new Member(group, topic, Map.of(), reads)) {
            Member second = new Member(group, topic, Map.of(), reads);
            Member third = null;
            try {
                for (int i = 0; i < total; i++) {
                    producer.send(new ProducerRecord<>(topic, Integer.toString(i), "record-" + i));
                    if (i == total / 3) {
                        producer.flush();
                        third = new Member(group, topic, Map.of(), reads);
                    }
                    if (i == 2 * total / 3) {
                        producer.flush();
                        second.close();
                    }
                    if (i % 100 == 0) {
                        Thread.sleep(20);
                    }
                }
                producer.flush();
                Await.until("every record is read", WAIT, () -> reads.size() == total);
                Member a = first;
                Member c = third;
                Await.until("the two members left share the six partitions", WAIT,
                        () -> a.assigned.size() + c.assigned.size() == 6 && !a.assigned.isEmpty()
                                && !c.assigned.isEmpty());
            } finally {
                second.close();
                if (third != null) {
                    third.close();
                }
            }
        }
        assertThat(reads).hasSize(total);
        assertThat(reads.values()).as("no record read twice").containsOnly(1);
    }

    @Test
    void theAdminClientDescribesAConsumerGroupWithItsAssignmentsAndListsBothKinds() throws Exception {
        String topic = "kip848-describe";
        createTopic(topic, 4);
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        try (Member a = new Member("kip848-described", topic, Map.of("group.remote.assignor", "range"), reads);
             Member b = new Member("kip848-described", topic, Map.of("group.remote.assignor", "range"), reads);
             KafkaConsumer<String, String> classic = consumer("classic-beside", "classic", Map.of());
             Admin admin = TestClients.admin(local.bootstrap())) {
            classic.subscribe(List.of(topic));
            Await.until("the classic member has its partitions", WAIT, () -> {
                classic.poll(Duration.ofMillis(100));
                return classic.assignment().size() == 4;
            });
            Await.until("both members have two partitions each", WAIT,
                    () -> a.assigned.size() == 2 && b.assigned.size() == 2);
            Await.until("the group is stable", WAIT, () -> describe(admin, "kip848-described").groupState()
                    == GroupState.STABLE);
            ConsumerGroupDescription description = describe(admin, "kip848-described");
            assertThat(description.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(description.partitionAssignor()).isEqualTo("range");
            assertThat(description.members()).hasSize(2);
            assertThat(description.members()).allSatisfy(m ->
                    assertThat(m.assignment().topicPartitions()).hasSize(2));

            ConsumerGroupDescription classicDescription = describe(admin, "classic-beside");
            assertThat(classicDescription.type()).isEqualTo(GroupType.CLASSIC);
            assertThat(classicDescription.members()).hasSize(1);

            Map<String, GroupType> listed = new java.util.HashMap<>();
            admin.listGroups().all().get(30, TimeUnit.SECONDS).forEach(l -> listed.put(l.groupId(),
                    l.type().orElse(GroupType.UNKNOWN)));
            assertThat(listed).containsEntry("kip848-described", GroupType.CONSUMER)
                    .containsEntry("classic-beside", GroupType.CLASSIC);
        }
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        } catch (Exception e) {
            throw new AssertionError("describing " + group + " failed", e);
        }
    }

    @Test
    void anEmptyClassicGroupCarriesOnAsAConsumerGroupFromItsCommittedOffsets() throws Exception {
        String topic = "kip848-upgrade";
        String group = "kip848-upgraded";
        createTopic(topic, 2);
        try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, "r" + i));
            }
            producer.flush();
        }
        List<String> classicRead = new ArrayList<>();
        try (KafkaConsumer<String, String> classic = consumer(group, "classic", Map.of("max.poll.records", "10"))) {
            classic.subscribe(List.of(topic));
            Await.until("the classic member read 40 records", WAIT, () -> {
                if (classicRead.size() < 40) {
                    classic.poll(Duration.ofMillis(100)).forEach(r -> classicRead.add(r.value()));
                    classic.commitSync();
                }
                return classicRead.size() >= 40;
            });
        }
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        try (Member upgraded = new Member(group, topic, Map.of(), reads)) {
            Await.until("the rest is read by the consumer group", WAIT,
                    () -> classicRead.size() + reads.size() == 100);
        }
        assertThat(reads.keySet()).doesNotContainAnyElementsOf(classicRead);
    }
}
