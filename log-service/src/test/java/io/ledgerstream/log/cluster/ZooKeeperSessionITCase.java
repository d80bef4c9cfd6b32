package io.ledgerstream.log.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * A partition leader's ZooKeeper session expires while producers still talk to it: the partition moves to a new
 * leader epoch, and nothing the old session's broker acknowledged is lost, duplicated or forked.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ZooKeeperSessionITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Placed(int partition, long offset, int number) {
    }

    @Test
    void aLeaderWhoseSessionExpiresLosesNoAcknowledgedWrite() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of("zookeeper.session.timeout.ms", "6000"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("payments", Optional.of(3), Optional.of((short) 3))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        TopicPartition tp = new TopicPartition("payments", 0);
        List<Placed> acked = new CopyOnWriteArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        int total = 20_000;
        int victim = -1;
        int epochBefore = -1;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < total; i++) {
                int number = i;
                producer.send(new ProducerRecord<>("payments", i % 3, "k" + i, Integer.toString(i)), (m, e) -> {
                    if (e != null) {
                        failures.add(e);
                    } else {
                        acked.add(new Placed(m.partition(), m.offset(), number));
                    }
                });
                if (i == total / 4) {
                    producer.flush();
                    victim = cluster.awaitLiveLeader(tp, WAIT);
                    epochBefore = leader(victim, tp).epoch();
                    expireSession(cluster.broker(victim).zookeeper());
                }
            }
            producer.flush();
        }
        int expired = victim;
        int before = epochBefore;
        Await.until("a new leader epoch of " + tp, WAIT, () -> cluster.running().stream()
                .map(id -> cluster.broker(id).logs().cluster().leader(tp))
                .allMatch(l -> l.isPresent() && l.get().epoch() > before));
        assertThat(cluster.running()).as("the broker stays up and rejoins").contains(expired);
        assertThat(failures).isEmpty();
        assertThat(acked).hasSize(total);

        List<Placed> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> tps = List.of(tp, new TopicPartition("payments", 1), new TopicPartition("payments", 2));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Await.until("every partition read to its end", WAIT, () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(new Placed(r.partition(), r.offset(), Integer.parseInt(r.value())));
                }
                return tps.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        Map<Integer, Integer> times = new HashMap<>();
        read.forEach(r -> times.merge(r.number(), 1, Integer::sum));
        long lost = acked.stream().filter(a -> !times.containsKey(a.number())).count();
        long duplicated = times.values().stream().filter(n -> n > 1).count();
        System.out.printf("session expiry: acknowledged %d, read %d, lost %d, duplicated %d%n", acked.size(),
                read.size(), lost, duplicated);
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
        assertThat(read).containsAll(acked).hasSize(total);
        for (int p = 0; p < 3; p++) {
            int partition = p;
            assertThat(read.stream().filter(r -> r.partition() == partition).map(Placed::number).toList())
                    .as("partition %d in the order sent", p).isSorted();
        }
    }

    private PartitionLeaders.Leader leader(int broker, TopicPartition tp) {
        return cluster.broker(broker).logs().cluster().leader(tp).orElseThrow();
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

    private KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
