package io.ledgerstream.jobs.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.RetainedSnapshots;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payments processor in a Flink MiniCluster (RocksDB, checkpoints every 500 ms, two TaskManagers) against the
 * standalone platform, its output read back record by record with a plain Kafka consumer.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PaymentsJobITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static MiniCluster flink;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.resolve("platform").toFile(), Map.of());
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(2).setNumSlotsPerTaskManager(1).build());
        flink.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (local != null) {
            local.close();
        }
    }

    @Test
    void theStateTableFollowsThePaymentsRecordByRecord() throws Exception {
        createTopics("payments-a", "totals-a", "rejected-a");
        List<Payment> payments = sample(2_000, "a");
        Map<String, CustomerTotal> expected = expectedTotals(payments);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            payments.forEach(p -> send(producer, "payments-a", p));
            send(producer, "payments-a", payments.get(7));  // a retry: counted once
            producer.send(new ProducerRecord<>("payments-a", "{not json".getBytes(StandardCharsets.UTF_8)));
            Payment wrongCurrency = new Payment("a-odd", "c-000", new BigDecimal("9.99"), "JPY", 1);
            send(producer, "payments-a", wrongCurrency);
            producer.flush();
        }

        JobClient job = run("a", Duration.ofDays(1));
        try (TopicReader totals = new TopicReader("totals-a"); TopicReader rejected = new TopicReader("rejected-a")) {
            Await.until("every customer's row is complete", WAIT, () -> {
                totals.poll();
                return latestPerCustomer(totals.records()).equals(expected);
            });
            // Every change of a row was emitted once and in order: counts 1, 2, ..., n per customer.
            Map<String, List<Long>> counts = new HashMap<>();
            for (CustomerTotal t : totals.records()) {
                counts.computeIfAbsent(t.customerId, c -> new ArrayList<>()).add(t.payments);
            }
            counts.forEach((customer, seen) -> assertThat(seen).as(customer)
                    .isEqualTo(Stream.iterate(1L, n -> n + 1).limit(expected.get(customer).payments).toList()));

            Await.until("the rejected payment arrives", WAIT, () -> {
                rejected.poll();
                return !rejected.raw().isEmpty();
            });
            assertThat(rejected.raw()).extracting(PaymentsJson::parsePayment)
                    .containsExactly(new Payment("a-odd", "c-000", new BigDecimal("9.99"), "JPY", 1));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTaskManagerKilledMidStreamIsRecoveredFromTheLastCheckpointWithNothingCountedTwiceOrLost() throws Exception {
        createTopics("payments-b", "totals-b", "rejected-b");
        List<Payment> payments = sample(6_000, "b");
        Map<String, CustomerTotal> expected = expectedTotals(payments);
        AtomicInteger sent = new AtomicInteger();
        // Remembering payment ids would hide a replay counted twice: only checkpointed state may make this exact.
        JobClient job = run("b", Duration.ofMillis(1));
        CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (Payment p : payments) {
                    send(producer, "payments-b", p);
                    if (sent.incrementAndGet() % 100 == 0) {
                        producer.flush();
                        sleep(15);
                    }
                }
            }
        });
        try (TopicReader totals = new TopicReader("totals-b")) {
            Await.until("a checkpoint completed and rows flow", WAIT, () -> {
                totals.poll();
                return RetainedSnapshots.latest(dir.resolve("checkpoints-b")).isPresent() && totals.records().size() > 500;
            });
            assertThat(feed).as("the kill is mid-stream").isNotDone();
            flink.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
            flink.startTaskManager();

            feed.get(120, TimeUnit.SECONDS);
            Await.until("every customer's row is complete after the restore", WAIT, () -> {
                totals.poll();
                return latestPerCustomer(totals.records()).equals(expected);
            });
            for (CustomerTotal t : totals.records()) {
                assertThat(t.payments).as("no row of %s counts more than there were", t.customerId)
                        .isLessThanOrEqualTo(expected.get(t.customerId).payments);
            }
            assertThat(flink.getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS)
                    .getStatusTimestamp(JobStatus.RESTARTING)).as("the job restarted").isPositive();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static JobClient run(String suffix, Duration dedupWindow) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(new String[] {
                "--bootstrap-servers", local.bootstrap(),
                "--payments-topic", "payments-" + suffix,
                "--totals-topic", "totals-" + suffix,
                "--rejected-topic", "rejected-" + suffix,
                "--group-id", "payments-job-" + suffix,
                "--dedup-window-ms", Long.toString(dedupWindow.toMillis()),
                "--checkpoint-interval", "500",
                "--checkpoint-dir", dir.resolve("checkpoints-" + suffix).toUri().toString()});
        TestStreamEnvironment env = new TestStreamEnvironment(flink, JobEnvironment.configuration(params), 2,
                List.of(), List.of());
        PaymentsJob.buildPipeline(env, params);
        return env.executeAsync(PaymentsJob.NAME + "-" + suffix);
    }

    private static List<Payment> sample(int count, String prefix) {
        SamplePayments source = new SamplePayments(42, 40, prefix, 1_700_000_000_000L);
        List<Payment> payments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payments.add(source.next());
        }
        return payments;
    }

    /** The table the job must end with, folded here independently of the job. */
    private static Map<String, CustomerTotal> expectedTotals(List<Payment> payments) {
        Map<String, CustomerTotal> table = new HashMap<>();
        for (Payment p : payments) {
            CustomerTotal t = table.get(p.customerId);
            table.put(p.customerId, t == null ? new CustomerTotal(p.customerId, p.currency, 1, p.amount, p.timestamp)
                    : new CustomerTotal(p.customerId, p.currency, t.payments + 1, t.total.add(p.amount),
                    Math.max(t.updatedAt, p.timestamp)));
        }
        return table;
    }

    private static Map<String, CustomerTotal> latestPerCustomer(List<CustomerTotal> rows) {
        Map<String, CustomerTotal> latest = new HashMap<>();
        rows.forEach(r -> latest.put(r.customerId, r));
        return latest;
    }

    private static void createTopics(String payments, String totals, String rejected) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", local.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(payments, 3, (short) 2), new NewTopic(totals, 3, (short) 2),
                    new NewTopic(rejected, 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", local.bootstrap(), "linger.ms", "5"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, Payment p) {
        producer.send(new ProducerRecord<>(topic, p.customerId.getBytes(StandardCharsets.UTF_8),
                PaymentsJson.write(p)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads a whole topic from the beginning, in per-partition order. */
    private static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<byte[]> values = new ArrayList<>();

        TopicReader(String topic) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", local.bootstrap(),
                    "fetch.max.wait.ms", "100"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
            }
        }

        List<byte[]> raw() {
            return values;
        }

        List<CustomerTotal> records() {
            return values.stream().map(PaymentsJson::parseTotal).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
