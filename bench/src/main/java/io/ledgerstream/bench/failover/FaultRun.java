package io.ledgerstream.bench.failover;

import io.ledgerstream.log.standalone.StandalonePlatform;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A bounded fault run: three brokers (each its own JVM) and four bookies, an idempotent acks=all producer and a
 * consumer working all along, while every interval a broker is killed with SIGKILL or a bookie is stopped, and
 * started again 10 s later. At the end: records acknowledged, read, lost (acknowledged, never read) and duplicated
 * (read more than once). Goal: lost = 0 and duplicated = 0.
 *
 * <p>Arguments: {@code WORK_DIR [SECONDS] [INTERVAL_SECONDS]} (default 600 and 30).
 */
public final class FaultRun {
    private static final String TOPIC = "faults";
    private static final int PARTITIONS = 3;
    private static final int BOOKIES = 4;

    private FaultRun() {
    }

    public static void main(String[] args) throws Exception {
        File work = new File(args[0]);
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 600;
        long interval = args.length > 2 ? Long.parseLong(args[2]) : 30;
        work.mkdirs();
        try (StandalonePlatform storage = StandalonePlatform.start(new StandalonePlatform.Settings(
                new File(work, "platform"), 0, 33181, BOOKIES, Map.of(), 0), Clock.systemUTC());
             BrokerProcesses brokers = new LedgerstreamBrokers(work, storage.zookeeperConnect(), 19092)) {
            brokers.startAll();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(PARTITIONS), Optional.of((short) 3))))
                        .all().get(60, TimeUnit.SECONDS);
            }
            Map<Long, Boolean> acked = new ConcurrentHashMap<>();
            Map<Long, Integer> read = new ConcurrentHashMap<>();
            AtomicLong failed = new AtomicLong();
            AtomicReference<Exception> readerFailure = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread producer = new Thread(() -> produce(brokers.bootstrap(), producing, acked, failed), "producer");
            Thread consumer = new Thread(() -> consume(brokers.bootstrap(), read, readerFailure), "consumer");
            producer.start();
            consumer.start();

            Random random = new Random(42);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int faults = 0;
            while (System.nanoTime() + TimeUnit.SECONDS.toNanos(interval) < end) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(interval - 10));
                faults++;
                if (random.nextBoolean()) {
                    int victim = random.nextInt(BrokerProcesses.BROKERS);
                    System.err.printf("fault %d: kill broker %d%n", faults, victim);
                    brokers.kill(victim);
                    Thread.sleep(10_000);
                    brokers.start(victim);
                } else {
                    int victim = random.nextInt(BOOKIES);
                    System.err.printf("fault %d: stop bookie %d%n", faults, victim);
                    storage.stopBookie(victim);
                    Thread.sleep(10_000);
                    storage.startBookie(victim);
                }
            }
            producing.set(false);
            producer.join(TimeUnit.MINUTES.toMillis(6));
            awaitCaughtUp(read, acked.size());
            consumer.interrupt();
            consumer.join(60_000);

            long lost = acked.keySet().stream().filter(n -> !read.containsKey(n)).count();
            long duplicated = read.values().stream().filter(n -> n > 1).count();
            System.out.printf("fault run: %d s, %d faults; acknowledged %,d, read %,d, lost %d, duplicated %d, "
                            + "sends failed %d%s%n", seconds, faults, acked.size(), read.size(), lost, duplicated,
                    failed.get(), readerFailure.get() == null ? "" : ", reader failed: " + readerFailure.get());
        }
    }

    /** Sends until {@code producing} turns false, then flushes: every send ends acknowledged or failed. */
    private static void produce(String bootstrap, java.util.concurrent.atomic.AtomicBoolean producing,
                                Map<Long, Boolean> acked, AtomicLong failed) {
        try (KafkaProducer<String, String> producer = PatientProducer.create(bootstrap, 5)) {
            long n = 0;
            try {
                while (producing.get()) {
                    long number = n++;
                    producer.send(new ProducerRecord<>(TOPIC, (int) (number % PARTITIONS), "k" + number,
                            Long.toString(number)), (m, e) -> {
                                if (e == null) {
                                    acked.put(number, Boolean.TRUE);
                                } else {
                                    failed.incrementAndGet();
                                }
                            });
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            producer.flush();
        }
    }

    private static void consume(String bootstrap, Map<Long, Integer> read, AtomicReference<Exception> failure) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("fetch.max.wait.ms", "100");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.merge(Long.parseLong(r.value()), 1, Integer::sum);
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** Waits (bounded) until the consumer has read as many distinct records as were acknowledged. */
    private static void awaitCaughtUp(Map<Long, Integer> read, int acked) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (read.size() < acked && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (read.size() < acked) {
            // Records not read by now count as lost below: say that the reader, not the log, may be behind.
            System.out.printf("fault run: the consumer had not caught up after 3 minutes (%,d of %,d read)%n",
                    read.size(), acked);
        }
    }
}
