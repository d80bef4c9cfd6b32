package io.ledgerstream.log.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers on four bookies: the coordinator of a transaction, or the leader of one of its partitions, dies in
 * the middle of it. Every transaction ends up visible to read_committed readers whole or not at all, each committed
 * one exactly once, and new transactional producers still start.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TransactionFailoverITCase {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 3;
    private static final int STATE_PARTITIONS = 3;

    @TempDir
    Path dir;
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start() throws Exception {
        cluster = LocalCluster.start(dir.toFile(), 3, 4, Map.of(
                "transaction.state.log.num.partitions", Integer.toString(STATE_PARTITIONS)));
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("txn-out", PARTITIONS, (short) 2)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<String, String> producer(String transactionalId) {
        return TestClients.producer(cluster.bootstrap(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100"));
    }

    /** Broker id of the coordinator of a transactional id: the leader of its transaction state partition. */
    private int coordinatorOf(String transactionalId) {
        return cluster.awaitLiveLeader(new TopicPartition(TransactionCoordinator.topic(),
                Utils.abs(transactionalId.hashCode()) % STATE_PARTITIONS), WAIT);
    }

    /** Sends transaction {@code n}: one record on every partition, keyed by the transaction's number. */
    private static void sendTransaction(KafkaProducer<String, String> producer, int n) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            producer.send(new ProducerRecord<>("txn-out", p, "txn-" + n, n + "/" + p));
        }
        producer.flush();
    }

    @Test
    void coordinatorsDyingMidTransactionAndAfterACommitLeaveEveryTransactionWholeOrAbsent() throws Exception {
        start();
        String id = "survivor";
        Set<Integer> committed = new HashSet<>();
        KafkaProducer<String, String> producer = producer(id);
        producer.initTransactions();
        int victim = -1;
        for (int n = 0; n < 20; n++) {
            producer.beginTransaction();
            sendTransaction(producer, n);
            if (n == 10) {
                victim = coordinatorOf(id);
                cluster.haltBroker(victim);
            }
            try {
                producer.commitTransaction();
                committed.add(n);
                if (n == 15) {
                    // Right after the commit was answered: its markers or its completion may still be under way,
                    // and the next coordinator finds it prepared.
                    cluster.haltBroker(coordinatorOf(id));
                }
            } catch (KafkaException e) {
                // The commit's outcome is unknown to this producer; a new instance fences it and goes on.
                producer.close(Duration.ZERO);
                producer = producer(id);
                producer.initTransactions();
            }
        }
        producer.close();
        assertThat(coordinatorOf(id)).as("a surviving broker coordinates the id").isNotEqualTo(victim);
        assertThat(committed).as("transactions committed after each coordinator died").contains(11, 15, 16, 19);
        assertWholeOrAbsent(committed, 20);
        try (KafkaProducer<String, String> fresh = producer("after-failover")) {
            fresh.initTransactions();
            fresh.beginTransaction();
            fresh.send(new ProducerRecord<>("txn-out", 0, "fresh", "fresh")).get(60, TimeUnit.SECONDS);
            fresh.commitTransaction();
        }
    }

    @Test
    void aPartitionLeaderDyingBetweenPrepareAndItsMarkerStillGetsTheMarker() throws Exception {
        start();
        String id = "marker-survivor";
        int coordinator = coordinatorOf(id);
        int victimPartition = -1;
        for (int p = 0; p < PARTITIONS && victimPartition < 0; p++) {
            if (cluster.awaitLiveLeader(new TopicPartition("txn-out", p), WAIT) != coordinator) {
                victimPartition = p;
            }
        }
        assertThat(victimPartition).as("a partition led by another broker than the coordinator").isNotNegative();
        Set<Integer> committed = new HashSet<>();
        try (KafkaProducer<String, String> producer = producer(id)) {
            producer.initTransactions();
            for (int n = 0; n < 6; n++) {
                producer.beginTransaction();
                sendTransaction(producer, n);
                if (n == 3) {
                    // Everything of the transaction is written; its commit's markers find this leader gone.
                    cluster.haltBroker(cluster.awaitLiveLeader(new TopicPartition("txn-out", victimPartition),
                            WAIT));
                }
                producer.commitTransaction();
                committed.add(n);
            }
        }
        assertThat(committed).containsExactly(0, 1, 2, 3, 4, 5);
        assertWholeOrAbsent(committed, 6);
    }

    /**
     * Reads every partition read_committed to its last stable offset and checks that each transaction below
     * {@code count} is there whole (once on every partition) if it committed, and absent otherwise; transactions
     * whose commit was not confirmed may be either, but never half.
     */
    private void assertWholeOrAbsent(Set<Integer> committed, int count) {
        Map<Integer, List<String>> seen = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                partitions.add(new TopicPartition("txn-out", i));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            io.ledgerstream.log.testing.Await.until("every transaction decided and read", WAIT, () -> {
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().startsWith("txn-")) {
                        seen.computeIfAbsent(Integer.parseInt(r.key().substring(4)), k -> new ArrayList<>())
                                .add(r.value());
                    }
                }
                // The last stable offset reaches the high watermark once no transaction is left open.
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))
                        && committed.stream().allMatch(seen::containsKey);
            });
        }
        for (int n = 0; n < count; n++) {
            List<String> values = seen.getOrDefault(n, List.of());
            if (committed.contains(n)) {
                assertThat(values).as("committed transaction %d, once on every partition", n)
                        .containsExactlyInAnyOrder(n + "/0", n + "/1", n + "/2");
            } else {
                assertThat(values.size()).as("transaction %d, whole or absent", n).isIn(0, PARTITIONS);
            }
        }
    }
}
