package io.ledgerstream.log.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers, four bookies, each broker with its own ZooKeeper session: leaders die or lose their session, the
 * controller moves their partitions, and every acknowledged record is read back exactly once, in order.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterFailoverITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A record as acknowledged to the producer or read by a consumer: where it is and which one it is. */
    private record Placed(int partition, long offset, int number) {
    }

    @Test
    void aLeaderDyingDuringAnIdempotentProduceStreamLosesAndDuplicatesNothing() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of());
        createTopic("orders", 3);
        produceThroughALeaderDeath("orders");
    }

    /**
     * With Kafka's flush semantics (deferred sync, forced every 10,000 records) and no tail cache: the new leader
     * recovers the entries acknowledged and not yet forced, and consumers read from the bookies past the last force.
     */
    @Test
    void aLeaderDyingUnderADeferredSyncTopicLosesAndDuplicatesNothing() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of("log.cache.bytes", "0"));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("deferred", PARTITIONS, (short) 2)
                    .configs(Map.of("flush.messages", "10000")))).all().get(30, TimeUnit.SECONDS);
        }
        produceThroughALeaderDeath("deferred");
    }

    private void produceThroughALeaderDeath(String topic) throws Exception {
        TopicPartition victimPartition = new TopicPartition(topic, 0);
        int[] victim = {-1};

        List<Placed> acked = new CopyOnWriteArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        AtomicInteger ackedAfterKill = new AtomicInteger();
        long[] killedAt = {0};
        long[] firstAckAfterKill = {0};
        int total = 30_000;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < total; i++) {
                int number = i;
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, Integer.toString(i)),
                        (metadata, error) -> {
                            if (error != null) {
                                failures.add(error);
                                return;
                            }
                            acked.add(new Placed(metadata.partition(), metadata.offset(), number));
                            if (killedAt[0] > 0 && metadata.partition() == 0
                                    && ackedAfterKill.incrementAndGet() == 1) {
                                firstAckAfterKill[0] = System.nanoTime();
                            }
                        });
                if (i == total / 3) {
                    producer.flush();
                    victim[0] = cluster.awaitLiveLeader(victimPartition, WAIT);
                    killedAt[0] = System.nanoTime();
                    cluster.haltBroker(victim[0]);
                }
            }
            producer.flush();
        }
        assertThat(failures).as("sends that failed").isEmpty();
        assertThat(acked).hasSize(total);
        int newLeader = cluster.awaitLiveLeader(victimPartition, WAIT);
        assertThat(newLeader).isNotEqualTo(victim[0]);
        System.out.printf("Leader death to the first acknowledged produce on partition 0: %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(firstAckAfterKill[0] - killedAt[0]));

        assertEveryAcknowledgedRecordReadOnceInOrder(topic, acked, total);
    }

    @Test
    void aConsumerGroupKeepsItsCommittedOffsetsAcrossACoordinatorFailover() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of("group.initial.rebalance.delay.ms", "0"));
        createTopic("events", 3);
        produce("events", 0, 3000);
        TopicPartition offsets = new TopicPartition(OffsetStore.TOPIC,
                OffsetStore.partitionFor("readers", cluster.broker(0).config().offsetsTopicPartitions()));
        int coordinator = cluster.awaitLiveLeader(offsets, WAIT);

        Set<Integer> consumed = new HashSet<>();
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (KafkaConsumer<String, String> consumer = consumer("readers")) {
            consumer.subscribe(List.of("events"));
            Await.until("half of the records consumed and committed", WAIT, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    consumed.add(Integer.parseInt(r.value()));
                }
                consumer.commitSync();
                return consumed.size() >= 1500;
            });
            committed = consumer.committed(partitions("events"));
        }
        cluster.haltBroker(coordinator);
        int next = cluster.awaitLiveLeader(offsets, WAIT);
        assertThat(next).isNotEqualTo(coordinator);
        produce("events", 3000, 1000);

        try (KafkaConsumer<String, String> consumer = consumer("readers")) {
            assertThat(consumer.committed(partitions("events"))).as("committed offsets after the failover")
                    .isEqualTo(committed);
            consumer.subscribe(List.of("events"));
            Map<Integer, Long> firstOffsets = new HashMap<>();
            Await.until("every record consumed", WAIT, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(consumed.add(Integer.parseInt(r.value())))
                            .as("record %s read again after it was committed", r.value()).isTrue();
                    firstOffsets.putIfAbsent(r.partition(), r.offset());
                }
                consumer.commitSync();
                return consumed.size() == 4000;
            });
            firstOffsets.forEach((p, offset) -> assertThat(offset).as("first offset read of partition %d", p)
                    .isEqualTo(committed.get(new TopicPartition("events", p)).offset()));
        }
        try (Admin admin = admin()) {
            // The admin client asks every broker; those that coordinate nothing list nothing, without an error.
            assertThat(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS))
                    .extracting(org.apache.kafka.clients.admin.ConsumerGroupListing::groupId).containsExactly("readers");
        }
    }

    @Test
    void aWholeClusterRestartKeepsEveryAcknowledgedRecordAndCommittedOffset() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of("group.initial.rebalance.delay.ms", "0"));
        createTopic("ledger", 3);
        List<Placed> acked = produce("ledger", 0, 3000);
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            commits.put(new TopicPartition("ledger", p), new OffsetAndMetadata(100L * (p + 1)));
        }
        try (KafkaConsumer<String, String> consumer = consumer("auditors")) {
            consumer.commitSync(commits);
        }

        for (int id : List.copyOf(cluster.running())) {
            cluster.stopBroker(id);
        }
        for (int id = 0; id < 3; id++) {
            cluster.startBroker(id);
        }
        assertEveryAcknowledgedRecordReadOnceInOrder("ledger", acked, 3000);
        try (KafkaConsumer<String, String> consumer = consumer("auditors")) {
            assertThat(consumer.committed(partitions("ledger"))).isEqualTo(commits);
        }
        try (Admin admin = admin()) {
            TopicDescription described = admin.describeTopics(List.of("ledger")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("ledger");
            assertThat(described.partitions()).allSatisfy(p -> {
                assertThat(p.leader()).isNotNull();
                assertThat(p.replicas()).hasSize(3).startsWith(p.leader());
                assertThat(p.isr()).isEqualTo(p.replicas());
            });
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
        }
    }

    @Test
    void aLeaderWhoseZooKeeperSessionExpiresLosesNoAcknowledgedWrite() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of());
        createTopic("payments", 3);
        TopicPartition tp = new TopicPartition("payments", 0);
        List<Placed> acked = new CopyOnWriteArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        int total = 20_000;
        int epochBefore = -1;
        int victim = -1;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < total; i++) {
                int number = i;
                producer.send(new ProducerRecord<>("payments", i % PARTITIONS, "k" + i, Integer.toString(i)),
                        (m, e) -> {
                            if (e != null) {
                                failures.add(e);
                            } else {
                                acked.add(new Placed(m.partition(), m.offset(), number));
                            }
                        });
                if (i == total / 4) {
                    producer.flush();
                    victim = cluster.awaitLiveLeader(tp, WAIT);
                    epochBefore = cluster.broker(victim).cluster().leader(tp).orElseThrow().epoch();
                    expireSession(cluster.broker(victim).zookeeper());
                }
            }
            producer.flush();
        }
        int before = epochBefore;
        Await.until("a new leader epoch of " + tp, WAIT, () -> cluster.running().stream()
                .map(id -> cluster.broker(id).cluster().leader(tp))
                .allMatch(l -> l.isPresent() && l.get().epoch() > before));
        assertThat(cluster.running()).as("the broker stays up and rejoins").contains(victim);
        assertThat(failures).as("sends that failed").isEmpty();
        assertEveryAcknowledgedRecordReadOnceInOrder("payments", acked, total);
    }

    /** Ends a ZooKeeper session from the server's side: a second handle on it closes it, as an expiry would. */
    private static void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(client.getZookeeperClient().getCurrentConnectionString(), 6000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zk.getSessionId(), zk.getSessionPasswd());
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        twin.close();
    }

    private void assertEveryAcknowledgedRecordReadOnceInOrder(String topic, List<Placed> acked, int total) {
        List<Placed> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(null)) {
            List<TopicPartition> tps = partitions(topic).stream().toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Await.until("every partition read to its end", WAIT, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(new Placed(r.partition(), r.offset(), Integer.parseInt(r.value())));
                }
                return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        Map<Integer, Integer> timesRead = new ConcurrentHashMap<>();
        read.forEach(r -> timesRead.merge(r.number(), 1, Integer::sum));
        long lost = acked.stream().filter(a -> !timesRead.containsKey(a.number())).count();
        long duplicated = timesRead.values().stream().filter(n -> n > 1).count();
        System.out.printf("%s: acknowledged %d, read %d, lost %d, duplicated %d%n", topic, acked.size(), read.size(),
                lost, duplicated);
        assertThat(lost).as("acknowledged records not read").isZero();
        assertThat(duplicated).as("records read more than once").isZero();
        assertThat(read).as("every acknowledged record, where it was acknowledged").containsAll(acked)
                .hasSize(total);
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            assertThat(read.stream().filter(r -> r.partition() == partition).map(Placed::number).toList())
                    .as("partition %d in the order sent", p).isSorted();
        }
    }

    private List<Placed> produce(String topic, int from, int count) throws Exception {
        List<Placed> acked = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, Integer.toString(i))));
            }
            for (int i = 0; i < sends.size(); i++) {
                var m = sends.get(i).get(60, TimeUnit.SECONDS);
                acked.add(new Placed(m.partition(), m.offset(), from + i));
            }
        }
        return acked;
    }

    private void createTopic(String name, int replication) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(PARTITIONS), Optional.of((short) replication))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Set<TopicPartition> partitions(String topic) {
        Set<TopicPartition> tps = new java.util.LinkedHashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()));
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
