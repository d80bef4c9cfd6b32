package io.ledgerstream.jobs.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.jobs.RetainedSnapshots;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.ledgerstream.jobs.kafka.EventDeserializer;
import io.ledgerstream.jobs.kafka.KafkaTopics;
import io.ledgerstream.jobs.kafka.KeyedEventSerializer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private static JobTestbed testbed;

    @BeforeAll
    static void start() throws Exception {
        testbed = JobTestbed.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (testbed != null) {
            testbed.close();
        }
    }

    @Test
    void theStateTableFollowsThePaymentsRecordByRecord() throws Exception {
        testbed.createTopics("payments-a", 3, "totals-a", 3, "rejected-a", 1);
        List<Payment> payments = sample(2_000, "a");
        Map<String, CustomerTotal> expected = expectedTotals(payments);
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            payments.forEach(p -> send(producer, "payments-a", p));
            send(producer, "payments-a", payments.get(7));  // a retry: counted once
            producer.send(new ProducerRecord<>("payments-a", "{not json".getBytes(StandardCharsets.UTF_8)));
            Payment wrongCurrency = new Payment("a-odd", "c-000", new BigDecimal("9.99"), "JPY", 1);
            send(producer, "payments-a", wrongCurrency);
            producer.flush();
        }

        JobClient job = run("a", Duration.ofDays(1));
        try (var totals = testbed.reader("totals-a"); var rejected = testbed.reader("rejected-a")) {
            Await.until("every customer's row is complete", WAIT, () -> {
                totals.poll();
                return latestPerCustomer(rows(totals)).equals(expected);
            });
            // Every change of a row was emitted once and in order: counts 1, 2, ..., n per customer.
            Map<String, List<Long>> counts = new HashMap<>();
            for (CustomerTotal t : rows(totals)) {
                counts.computeIfAbsent(t.customerId, c -> new ArrayList<>()).add(t.payments);
            }
            counts.forEach((customer, seen) -> assertThat(seen).as(customer)
                    .isEqualTo(Stream.iterate(1L, n -> n + 1).limit(expected.get(customer).payments).toList()));

            Await.until("the rejected payment arrives", WAIT, () -> !rejected.poll().isEmpty());
            assertThat(rejected.values()).extracting(PaymentsJson::parsePayment)
                    .containsExactly(new Payment("a-odd", "c-000", new BigDecimal("9.99"), "JPY", 1));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTaskManagerKilledMidStreamLeavesExactlyOneCommittedRowChangePerPayment() throws Exception {
        // Remembering payment ids would hide a replay counted twice: only checkpointed state may make this exact.
        exactlyOnceAcrossATaskManagerKill("b", () -> run("b", Duration.ofMillis(1)));
    }

    @Test
    void flinksPoolingTransactionNamingAlsoWritesExactlyOnceAcrossATaskManagerKill() throws Exception {
        // Pooling finds the transactions a restart must abort through DescribeProducers and ListTransactions.
        String suffix = "c";
        exactlyOnceAcrossATaskManagerKill(suffix, () -> testbed.run(suffix, (env, params) -> {
            String bootstrap = params.getRequired("bootstrap-servers");
            PaymentsJob.buildPipeline(env, new KafkaTopics(bootstrap).source("payments-" + suffix,
                            "payments-job-" + suffix,
                            EventDeserializer.ofValues(PaymentsJson::parsePayment, Types.POJO(Payment.class))),
                    poolingSink(bootstrap, new KeyedEventSerializer<CustomerTotal>("totals-" + suffix,
                            t -> t.customerId, PaymentsJson::write), "pooled-totals-" + suffix),
                    poolingSink(bootstrap, new KeyedEventSerializer<Payment>("rejected-" + suffix,
                            p -> p.customerId, PaymentsJson::write), "pooled-rejected-" + suffix),
                    Duration.ofMillis(1));
        }));
    }

    private static <T> KafkaSink<T> poolingSink(String bootstrap, KafkaRecordSerializationSchema<T> records,
                                                String prefix) {
        return KafkaSink.<T>builder().setBootstrapServers(bootstrap).setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix(prefix)
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .setProperty("transaction.timeout.ms", "600000")
                .build();
    }

    /**
     * Creates the topics named with {@code suffix}, starts the job, feeds it half the payments, kills a TaskManager
     * once a checkpoint completed, feeds the rest, and checks that the output read read_committed holds exactly one
     * row change per payment.
     */
    private void exactlyOnceAcrossATaskManagerKill(String suffix, Callable<JobClient> start) throws Exception {
        testbed.createTopics("payments-" + suffix, 3, "totals-" + suffix, 3, "rejected-" + suffix, 1);
        JobClient job = start.call();
        List<Payment> payments = sample(6_000, suffix);
        Map<String, CustomerTotal> expected = expectedTotals(payments);
        try (var totals = testbed.reader("totals-" + suffix);
             KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            payments.subList(0, 3_000).forEach(p -> send(producer, "payments-" + suffix, p));
            producer.flush();
            Await.until("a checkpoint completed and rows flow", WAIT, () -> totals.poll().size() > 500
                    && RetainedSnapshots.latest(testbed.checkpoints(suffix)).isPresent());
            testbed.killAndReplaceTaskManager();
            payments.subList(3_000, payments.size()).forEach(p -> send(producer, "payments-" + suffix, p));
            producer.flush();

            Await.until("every customer's row is complete after the restore", WAIT, () -> {
                totals.poll();
                return latestPerCustomer(rows(totals)).equals(expected);
            });
            // Exactly-once output: read_committed, each customer's row changes once per payment, counting 1, 2, 3...
            Map<String, List<Long>> counts = new HashMap<>();
            for (CustomerTotal t : rows(totals)) {
                counts.computeIfAbsent(t.customerId, c -> new ArrayList<>()).add((long) t.payments);
            }
            expected.forEach((customer, total) -> assertThat(counts.get(customer))
                    .as("the row changes of %s", customer)
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, total.payments).boxed().toList()));
            assertThat(testbed.flink().getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS)
                    .getStatusTimestamp(JobStatus.RESTARTING)).as("the job restarted").isPositive();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static JobClient run(String suffix, Duration dedupWindow) throws Exception {
        return testbed.run(suffix, PaymentsJob::buildPipeline,
                "--payments-topic", "payments-" + suffix,
                "--totals-topic", "totals-" + suffix,
                "--rejected-topic", "rejected-" + suffix,
                "--group-id", "payments-job-" + suffix,
                "--dedup-window-ms", Long.toString(dedupWindow.toMillis()));
    }

    private static List<CustomerTotal> rows(JobTestbed.TopicReader reader) {
        return reader.values().stream().map(PaymentsJson::parseTotal).toList();
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

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, Payment p) {
        producer.send(new ProducerRecord<>(topic, p.customerId.getBytes(StandardCharsets.UTF_8),
                PaymentsJson.write(p)));
    }
}
