package io.ledgerstream.bench;

import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.kafka.KafkaTopics;
import io.ledgerstream.jobs.payments.CustomerTotal;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJob;
import io.ledgerstream.jobs.payments.PaymentsJson;
import io.ledgerstream.jobs.payments.SamplePayments;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The payments job fed by one broker (ours or Apache Kafka; run once per broker by bench/payments-job.sh): the
 * same job on a local Flink cluster (parallelism 2, RocksDB, checkpoint every 10 s). Throughput: a backlog of
 * payments is loaded, then the job is started and timed from its first output row until the table reflects the
 * whole backlog. Latency: with the job caught up, payments are produced at a steady rate stamped with their send
 * time, and each output row is timed from that stamp to its arrival at a consumer of the output topic.
 *
 * <p>Both are read as the job writes them (read_uncommitted): with exactly-once output that is before their
 * transaction commits. When a read_committed reader sees the whole backlog is reported beside it, counted from the
 * job's start: with exactly-once output, not before the checkpoint after the last row is written.
 *
 * <p>Arguments: BOOTSTRAP REPLICATION_FACTOR NAME [BACKLOG=300000] [RATE=2000] [SECONDS=20]
 * [DELIVERY_GUARANTEE=exactly-once] (the job's sinks: exactly-once or at-least-once). SECONDS=0 skips the latency
 * run.
 */
public final class PaymentsJobBenchmark {
    private static final int CUSTOMERS = 1_000;

    private PaymentsJobBenchmark() {
    }

    /** Runs the benchmark and exits: 0 when it measured, 1 (with the error on stderr) when it failed. */
    public static void main(String[] args) {
        BenchMain.runAndExit(args, PaymentsJobBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[0];
        short rf = Short.parseShort(args[1]);
        String name = args[2];
        int backlog = args.length > 3 ? Integer.parseInt(args[3]) : 300_000;
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 2_000;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 20;
        String guarantee = args.length > 6 ? args[6] : "exactly-once";

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(PaymentsJob.PAYMENTS, 3, rf),
                    new NewTopic(PaymentsJob.TOTALS, 3, rf), new NewTopic(PaymentsJob.REJECTED, 1, rf)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        SamplePayments sample = new SamplePayments(1, CUSTOMERS, "bench", System.currentTimeMillis() - 3_600_000);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < backlog; i++) {
                send(producer, sample.next());
            }
            producer.flush();
        }

        Path checkpoints = Files.createTempDirectory("ledgerstream-bench-checkpoints");
        ParameterTool params = ParameterTool.fromMap(Map.of("bootstrap-servers", bootstrap,
                "checkpoint-interval", "10000", "checkpoint-dir", checkpoints.toUri().toString(),
                KafkaTopics.DELIVERY_GUARANTEE, guarantee));
        Configuration conf = JobEnvironment.configuration(params);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        PaymentsJob.buildPipeline(env, params);
        JobClient job = env.executeAsync(PaymentsJob.NAME);

        try (Table table = new Table(bootstrap, "read_uncommitted")) {
            long started = System.nanoTime();
            CompletableFuture<Long> allCommitted = CompletableFuture.supplyAsync(() -> {
                try (Table committed = new Table(bootstrap, "read_committed")) {
                    committed.awaitCount(backlog, Duration.ofMinutes(10), null);
                    return System.nanoTime();
                }
            });
            table.awaitCount(backlog, Duration.ofMinutes(10), null);
            long done = System.nanoTime();
            double catchUp = (done - table.firstRowNanos) / 1e9;
            long committedAt = allCommitted.get(10, TimeUnit.MINUTES);
            String throughput = String.format(Locale.ROOT, "%-13s payments job, %s output: throughput %,.0f "
                    + "events/s (%,d events in %.1f s; %.1f s from job start, all committed %.1f s from job start)",
                    name, guarantee, backlog / catchUp, backlog, catchUp, (done - started) / 1e9,
                    (committedAt - started) / 1e9);
            System.out.println(seconds == 0 ? throughput
                    : throughput + "; " + latencies(table, sample, bootstrap, backlog, rate, seconds));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * With the job caught up on {@code backlog} payments, produces {@code rate} payments a second for
     * {@code seconds} stamped with their send time, and times each from that stamp to its row in the table.
     */
    private static String latencies(Table table, SamplePayments sample, String bootstrap, int backlog, int rate,
                                    int seconds) throws Exception {
        long[] latencies = new long[rate * seconds];
        long latencyFrom = System.currentTimeMillis();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread feeder = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                long t0 = System.nanoTime();
                for (int i = 0; i < latencies.length; i++) {
                    long due = t0 + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    Payment p = sample.next();
                    p.timestamp = System.currentTimeMillis();
                    send(producer, p);
                }
                producer.flush();
            } catch (Exception e) {
                failure.set(e);
            }
        });
        feeder.start();
        int[] measured = {0};
        table.awaitCount(backlog + latencies.length, Duration.ofMinutes(5), row -> {
            if (row.updatedAt >= latencyFrom && measured[0] < latencies.length) {
                latencies[measured[0]++] = System.currentTimeMillis() - row.updatedAt;
            }
        });
        feeder.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        long[] sorted = Arrays.copyOf(latencies, measured[0]);
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "end-to-end p50 %d ms, p99 %d ms, max %d ms (%,d events at %,d/s)",
                percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1], sorted.length, rate);
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", "5"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Payment p) {
        producer.send(new ProducerRecord<>(PaymentsJob.PAYMENTS, p.customerId.getBytes(StandardCharsets.UTF_8),
                PaymentsJson.write(p)));
    }

    /** Follows the output topic: the latest row per customer and the number of payments they count together. */
    private static final class Table implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Long> counts = new HashMap<>();
        private long total;
        long firstRowNanos;

        Table(String bootstrap, String isolationLevel) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "max.poll.records", "5000",
                    "isolation.level", isolationLevel), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = List.of(new TopicPartition(PaymentsJob.TOTALS, 0),
                    new TopicPartition(PaymentsJob.TOTALS, 1), new TopicPartition(PaymentsJob.TOTALS, 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void awaitCount(long expected, Duration timeout, java.util.function.Consumer<CustomerTotal> each) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (total < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The table counts " + total + " of " + expected
                            + " payments after " + timeout);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (firstRowNanos == 0) {
                        firstRowNanos = System.nanoTime();
                    }
                    CustomerTotal row = PaymentsJson.parseTotal(r.value());
                    Long before = counts.put(row.customerId, row.payments);
                    total += row.payments - (before == null ? 0 : before);
                    if (each != null) {
                        each.accept(row);
                    }
                });
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
