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
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A group that switches protocol while it has members and records flow, as Kafka 4's online migration does: a
 * rolling upgrade of classic consumers to {@code group.protocol=consumer} (the group becomes a consumer group at the
 * first new member, its classic members staying in it), then a rolling downgrade back (it turns classic when the
 * last member of the consumer protocol leaves). Nothing is lost and nothing is read twice, with the eager range
 * assignor (kafka-clients' default) and with the cooperative sticky one.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GroupProtocolMigrationITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalBroker local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of("group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", "6000", "group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    /**
     * A member on its own thread, of either protocol: polls, counts what it read, commits after every poll and when
     * partitions are taken away, until closed.
     */
    private static final class Member implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

        Member(String group, String topic, String protocol, String assignor, Map<String, Integer> reads) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            if (protocol.equals("classic")) {
                props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
                props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
                props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
            }
            thread = new Thread(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
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

                        @Override
                        public void onPartitionsLost(Collection<TopicPartition> partitions) {
                            // Not ours any more: nothing may be committed for them.
                            assigned.removeAll(partitions);
                        }
                    });
                    while (running) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                            reads.merge(r.value(), 1, Integer::sum);
                        }
                        try {
                            consumer.commitSync();
                        } catch (RebalanceInProgressException e) {
                            // A classic member mid-rebalance: the next poll completes it, the commit after retries.
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "member-" + protocol + "-" + group);
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

    /** Produces numbered records on its own thread, a few at a time, until closed; counts what was acknowledged. */
    private static final class Feed implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        final AtomicInteger acknowledged = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Feed(String topic) {
            thread = new Thread(() -> {
                try (KafkaProducer<String, String> producer = TestClients.producer(local.bootstrap(), Map.of())) {
                    int next = 0;
                    while (running) {
                        for (int i = 0; i < 20; i++, next++) {
                            producer.send(new ProducerRecord<>(topic, Integer.toString(next), "record-" + next));
                        }
                        producer.flush();
                        acknowledged.set(next);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "feed-" + topic);
            thread.start();
        }

        /** Stops producing; returns how many records were acknowledged in all. */
        int stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
            if (failure.get() != null) {
                throw new AssertionError("producer failed", failure.get());
            }
            return acknowledged.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }
    }

    @ParameterizedTest(name = "classic members with {0}")
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void aGroupMovesToTheConsumerProtocolAndBackWithMembersWhileRecordsFlow(Class<?> assignor) throws Exception {
        String name = assignor.getSimpleName().toLowerCase(Locale.ROOT);
        String topic = "migrating-" + name;
        String group = "migrating-group-" + name;
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Integer> reads = new ConcurrentHashMap<>();
        List<Member> members = new ArrayList<>();
        String strategy = assignor.getName();
        Throwable failure = null;
        try (Feed feed = new Feed(topic); Admin admin = TestClients.admin(local.bootstrap())) {
            Member classic1 = add(members, new Member(group, topic, "classic", strategy, reads));
            Member classic2 = add(members, new Member(group, topic, "classic", strategy, reads));
            awaitShared("two classic members share the partitions", List.of(classic1, classic2));
            assertThat(describe(admin, group).type()).isEqualTo(GroupType.CLASSIC);

            // Rolling upgrade: the first member of the consumer protocol turns the group into a consumer group.
            Member new1 = add(members, new Member(group, topic, "consumer", strategy, reads));
            awaitShared("a member of the consumer protocol shares the partitions with the classic ones",
                    List.of(classic1, classic2, new1));
            ConsumerGroupDescription mixed = describe(admin, group);
            assertThat(mixed.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(mixed.members()).hasSize(3);
            assertThat(mixed.members().stream().filter(m -> m.upgraded().orElse(false)).count())
                    .as("members of the consumer protocol").isEqualTo(1);
            close(members, classic1);
            Member new2 = add(members, new Member(group, topic, "consumer", strategy, reads));
            awaitShared("the group is rolled to two members of each protocol and back to one classic",
                    List.of(classic2, new1, new2));
            close(members, classic2);
            awaitShared("only members of the consumer protocol are left", List.of(new1, new2));
            assertThat(describe(admin, group).members()).allMatch(m -> m.upgraded().orElse(false));

            // Rolling downgrade: when the last member of the consumer protocol leaves, the group is classic again.
            Member old1 = add(members, new Member(group, topic, "classic", strategy, reads));
            awaitShared("a classic member joins the consumer group", List.of(new1, new2, old1));
            close(members, new1);
            Member old2 = add(members, new Member(group, topic, "classic", strategy, reads));
            awaitShared("two classic members and one of the consumer protocol", List.of(new2, old1, old2));
            close(members, new2);
            awaitShared("the classic members share the partitions again", List.of(old1, old2));
            Await.until("the group is a classic group again", WAIT,
                    () -> describe(admin, group).type() == GroupType.CLASSIC);

            int produced = feed.stop();
            Await.until("every acknowledged record is read", WAIT, () -> reads.size() >= produced);
            assertThat(reads.values()).as("no record read twice").containsOnly(1);
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < produced; i++) {
                if (!reads.containsKey("record-" + i)) {
                    missing.add("record-" + i);
                }
            }
            assertThat(missing).as("acknowledged records never read").isEmpty();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            closeAll(members, failure);
        }
    }

    /**
     * Closes every member. A member's failure is thrown after all are closed, or added to the test's own failure
     * when there is one, so that it is not hidden.
     */
    private static void closeAll(List<Member> members, Throwable testFailure) throws Exception {
        AssertionError failed = null;
        for (Member m : members) {
            try {
                m.close();
            } catch (AssertionError e) {
                if (testFailure != null) {
                    testFailure.addSuppressed(e);
                } else if (failed == null) {
                    failed = e;
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static Member add(List<Member> members, Member member) {
        members.add(member);
        return member;
    }

    private static void close(List<Member> members, Member member) throws Exception {
        members.remove(member);
        member.close();
    }

    /** Waits until these members, each with at least one, hold the six partitions between them, none twice. */
    private static void awaitShared(String what, List<Member> members) throws Exception {
        Await.until(what, WAIT, () -> {
            List<TopicPartition> all = new ArrayList<>();
            members.forEach(m -> all.addAll(m.assigned));
            return all.size() == 6 && Set.copyOf(all).size() == 6 && members.stream().noneMatch(m -> m.assigned
                    .isEmpty());
        });
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        } catch (Exception e) {
            throw new AssertionError("describing group " + group + " failed", e);
        }
    }
}
