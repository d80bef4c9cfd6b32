package io.ledgerstream.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end latency of committed transactions against any Kafka-protocol broker (run once per broker by
 * bench/transactions-compare.sh). A transactional producer (acks=all) writes one record per transaction and commits
 * it, starting a transaction every INTERVAL_MS (or as soon as the commit before returns, when that is later), the
 * records going round-robin to the 3 partitions of a fresh topic. A read_committed consumer in the same JVM (Kafka's
 * default long poll, {@code fetch.max.wait.ms} 500) times each record from just before its send to the poll that
 * returns it, so the time includes the commit: EndTxn, the markers, the partition's last stable offset moving past
 * the record, and the fetch that waits for it. The producer's {@code commitTransaction} call is timed on its own.
 * The first {@code min(100, TRANSACTIONS / 10)} transactions warm up and are not counted.
 *
 * <p>Arguments: BOOTSTRAP REPLICATION_FACTOR NAME [TRANSACTIONS=1000] [INTERVAL_MS=50] [RECORD_SIZE=1024].
 */
public final class TransactionLatencyBenchmark {
    private static final String TOPIC = "txn-latency";
    private static final int PARTITIONS = 3;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private TransactionLatencyBenchmark() {
    }

    /** Runs the benchmark and exits: 0 when it measured, 1 (with the error on stderr) when it failed. */
    public static void main(String[] args) {
        BenchMain.runAndExit(args, TransactionLatencyBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[0];
        short replication = Short.parseShort(args[1]);
        String name = args[2];
        int transactions = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
        int intervalMs = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int recordSize = args.length > 5 ? Integer.parseInt(args[5]) : 1024;
        int warmUp = Math.min(100, transactions / 10);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, replication))).all().get(60, TimeUnit.SECONDS);
        }
        Receiver receiver = new Receiver(bootstrap, transactions);
        CompletableFuture<long[]> received = CompletableFuture.supplyAsync(receiver::receiveAll);
        receiver.awaitReady();

        long[] commitNanos = new long[transactions];
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "transactional.id", "bench-txn-latency"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            long t0 = System.nanoTime();
            for (int i = 0; i < transactions; i++) {
                long wait = t0 + i * TimeUnit.MILLISECONDS.toNanos(intervalMs) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] value = new byte[Math.max(recordSize, 16)];
                producer.beginTransaction();
                ByteBuffer.wrap(value).putLong(i).putLong(System.nanoTime());
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, value));
                long commitFrom = System.nanoTime();
                producer.commitTransaction();
                commitNanos[i] = System.nanoTime() - commitFrom;
            }
        }
        double perSecond = transactions / ((System.nanoTime() - started) / 1e9);
        long[] endToEnd = received.get(DRAIN_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);

        long[] e2e = sortedAfter(endToEnd, warmUp);
        long[] commit = sortedAfter(commitNanos, warmUp);
        System.out.printf(Locale.ROOT, "%-13s read_committed end-to-end: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, "
                        + "max %.1f ms; commitTransaction p50 %.1f ms, p99 %.1f ms; %,.0f transactions/s "
                        + "(%,d transactions of one %,d-byte record, one every %d ms at most, first %d not counted)%n",
                name, ms(percentile(e2e, 50)), ms(percentile(e2e, 99)), ms(percentile(e2e, 99.9)),
                ms(e2e[e2e.length - 1]), ms(percentile(commit, 50)), ms(percentile(commit, 99)), perSecond,
                transactions, recordSize, intervalMs, warmUp);
    }

    private static long[] sortedAfter(long[] values, int skip) {
        long[] sorted = Arrays.copyOfRange(values, skip, values.length);
        Arrays.sort(sorted);
        return sorted;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** The read_committed consumer: reads the topic from its start until it has every transaction's record once. */
    private static final class Receiver {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final int expected;
        private final CompletableFuture<Void> ready = new CompletableFuture<>();

        Receiver(String bootstrap, int expected) {
            this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "isolation.level", "read_committed", "auto.offset.reset", "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.expected = expected;
        }

        void awaitReady() throws Exception {
            ready.get(60, TimeUnit.SECONDS);
        }

        /** Each transaction's end-to-end latency in nanoseconds, by its number; fails on a duplicate or a miss. */
        long[] receiveAll() {
            try (consumer) {
                List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                        .mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                partitions.forEach(consumer::position);
                ready.complete(null);

                long[] latencies = new long[expected];
                int count = 0;
                long lastProgress = System.nanoTime();
                while (count < expected) {
                    if (System.nanoTime() - lastProgress > DRAIN_TIMEOUT.toNanos()) {
                        throw new IllegalStateException("read_committed consumer received " + count + " of "
                                + expected + " records, none in the last " + DRAIN_TIMEOUT);
                    }
                    var records = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        ByteBuffer value = ByteBuffer.wrap(r.value());
                        int i = (int) value.getLong();
                        if (latencies[i] != 0) {
                            throw new IllegalStateException("transaction " + i + " read twice (" + r.topic() + "-"
                                    + r.partition() + " at offset " + r.offset() + ")");
                        }
                        latencies[i] = now - value.getLong();
                        count++;
                        lastProgress = now;
                    }
                }
                return latencies;
            } catch (RuntimeException e) {
                ready.completeExceptionally(e);
                throw e;
            }
        }
    }
}
