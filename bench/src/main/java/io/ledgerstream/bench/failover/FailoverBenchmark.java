package io.ledgerstream.bench.failover;

import io.ledgerstream.log.standalone.StandalonePlatform;
import java.io.File;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Failover time of a three-broker cluster: leader death (SIGKILL of the broker process leading partition 0) to the
 * first acknowledged produce on that partition of a record sent after the kill, over a number of kills; the killed
 * broker is started again before the next one. An idempotent acks=all producer sends to partition 0 all along,
 * one record every 2 ms.
 *
 * <p>Arguments: {@code ledgerstream WORK_DIR KILLS} (ZooKeeper and four bookies run in this JVM, the brokers in
 * their own), or {@code kafka WORK_DIR KILLS KAFKA_CLASSPATH_FILE} (Apache Kafka, KRaft, three combined nodes).
 */
public final class FailoverBenchmark {
    private static final String TOPIC = "failover";

    private FailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        File work = new File(args[1]);
        int kills = Integer.parseInt(args[2]);
        work.mkdirs();
        StandalonePlatform storage = null;
        BrokerProcesses brokers;
        if (target.equals("ledgerstream")) {
            storage = StandalonePlatform.start(new StandalonePlatform.Settings(new File(work, "platform"), 0, 33181, 4,
                    Map.of(), 0), Clock.systemUTC());
            brokers = new LedgerstreamBrokers(work, storage.zookeeperConnect(), 19092);
        } else {
            brokers = new KafkaBrokers(work, Files.readString(new File(args[3]).toPath()).trim(), 29092);
        }
        try {
            brokers.startAll();
            List<Long> times = measure(brokers, kills);
            Collections.sort(times);
            System.out.printf(Locale.ROOT, "%-13s failover over %d kills: p50 %,d ms, p99 %,d ms, max %,d ms (all: %s)%n",
                    target, times.size(), percentile(times, 50), percentile(times, 99), times.get(times.size() - 1),
                    times);
        } finally {
            brokers.close();
            if (storage != null) {
                storage.close();
            }
        }
    }

    private static List<Long> measure(BrokerProcesses brokers, int kills) throws Exception {
        List<Long> times = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(3), Optional.of((short) 3))))
                    .all().get(60, TimeUnit.SECONDS);
            AtomicLong lastAck = new AtomicLong();
            // Earliest acknowledgement of a record sent at or after the kill; Long.MAX_VALUE until there is one.
            AtomicLong firstAckAfter = new AtomicLong(Long.MAX_VALUE);
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            Thread sender = new Thread(() -> send(brokers.bootstrap(), lastAck, killedAt, firstAckAfter), "sender");
            sender.setDaemon(true);
            sender.start();
            for (int k = 0; k < kills; k++) {
                awaitSteady(lastAck);
                int leader = brokers.indexOfNode(leaderOfPartition0(admin));
                firstAckAfter.set(Long.MAX_VALUE);
                long t0 = System.nanoTime();
                killedAt.set(t0);
                brokers.kill(leader);
                long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
                while (firstAckAfter.get() == Long.MAX_VALUE && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                if (firstAckAfter.get() == Long.MAX_VALUE) {
                    throw new IllegalStateException("no acknowledgement within 120 s of kill " + (k + 1));
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(firstAckAfter.get() - t0);
                times.add(ms);
                System.err.printf("kill %d of broker %d: %d ms%n", k + 1, leader, ms);
                killedAt.set(Long.MAX_VALUE);
                brokers.start(leader);
            }
            sender.interrupt();
        }
        return times;
    }

    private static void send(String bootstrap, AtomicLong lastAck, AtomicLong killedAt, AtomicLong firstAckAfter) {
        try (KafkaProducer<String, String> producer = PatientProducer.create(bootstrap, 0)) {
            long n = 0;
            while (!Thread.currentThread().isInterrupted()) {
                long sentAt = System.nanoTime();
                boolean afterKill = sentAt >= killedAt.get();
                producer.send(new ProducerRecord<>(TOPIC, 0, "k", Long.toString(n++)), (m, e) -> {
                    if (e == null) {
                        long now = System.nanoTime();
                        lastAck.set(now);
                        if (afterKill) {
                            firstAckAfter.accumulateAndGet(now, Math::min);
                        }
                    }
                });
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the producer has been acknowledged continuously for a few seconds (the cluster settled). */
    private static void awaitSteady(AtomicLong lastAck) throws InterruptedException {
        long steadySince = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            boolean flowing = System.nanoTime() - lastAck.get() < TimeUnit.MILLISECONDS.toNanos(200);
            if (!flowing) {
                steadySince = 0;
            } else if (steadySince == 0) {
                steadySince = System.nanoTime();
            } else if (System.nanoTime() - steadySince > TimeUnit.SECONDS.toNanos(5)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the producer did not settle within 180 s");
    }

    private static int leaderOfPartition0(Admin admin) throws Exception {
        TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(TOPIC);
        return topic.partitions().get(0).leader().id();
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
