package io.ledgerstream.jobs.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The enrichment join in a Flink MiniCluster against the standalone platform, checked order by order. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EnrichmentJobITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void ordersCarryTheLatestCustomerRecordAndUpdatesAndDeletesAreHonoured() throws Exception {
        try (JobTestbed testbed = JobTestbed.start(dir);
             KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            testbed.createTopics("orders", 3, "customers", 3, "orders-enriched", 3);
            Map<String, CustomerRecord> customers = new HashMap<>();
            for (int c = 1; c <= 4; c++) {
                CustomerRecord record = new CustomerRecord("c" + c, "Customer " + c, "silver", "GB");
                customers.put(record.customerId, record);
                sendCustomer(producer, record);
            }
            producer.flush();
            JobClient job = testbed.run("enrichment", EnrichmentJob::buildPipeline, "--max-wait-ms", "2000");
            try (var enriched = testbed.reader("orders-enriched")) {
                Map<String, CustomerRecord> expected = new HashMap<>();
                for (int i = 0; i < 200; i++) {
                    String customer = "c" + (i % 5 + 1);  // c5 has no record
                    sendOrder(producer, "o" + i, customer);
                    expected.put("o" + i, customers.get(customer));
                }
                producer.flush();
                Await.until("all 200 orders come out enriched", WAIT, () -> byOrder(enriched).size() == 200);
                Map<String, CustomerRecord> seen = new HashMap<>();
                byOrder(enriched).forEach((order, e) -> seen.put(order, e.customer));
                assertThat(seen).isEqualTo(expected);
                assertThat(enriched.values()).as("each order once").hasSize(200);

                CustomerRecord upgraded = new CustomerRecord("c2", "Customer 2", "gold", "FR");
                sendCustomer(producer, upgraded);
                producer.send(new ProducerRecord<>("customers", "c3".getBytes(StandardCharsets.UTF_8), null));
                producer.flush();
                // The two topics are read independently: probe until the update and the deletion have been applied.
                probeUntil(producer, enriched, "c2", upgraded);
                probeUntil(producer, enriched, "c3", null);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static void probeUntil(KafkaProducer<byte[], byte[]> producer, JobTestbed.TopicReader enriched,
                                   String customer, CustomerRecord expected) {
        int[] probe = {0};
        Await.until("an order of " + customer + " is enriched with " + expected, WAIT, () -> {
            String id = "probe-" + customer + "-" + probe[0]++;
            sendOrder(producer, id, customer);
            producer.flush();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                EnrichedOrder out = byOrder(enriched).get(id);
                if (out != null) {
                    return java.util.Objects.equals(out.customer, expected);
                }
            }
            return false;
        });
    }

    private static Map<String, EnrichedOrder> byOrder(JobTestbed.TopicReader reader) {
        Map<String, EnrichedOrder> orders = new HashMap<>();
        reader.poll().forEach(r -> {
            EnrichedOrder e = EnrichmentJson.parseEnriched(r.value());
            orders.put(e.order.orderId, e);
        });
        return orders;
    }

    private static void sendCustomer(KafkaProducer<byte[], byte[]> producer, CustomerRecord record) {
        producer.send(new ProducerRecord<>("customers", record.customerId.getBytes(StandardCharsets.UTF_8),
                EnrichmentJson.write(record)));
    }

    private static void sendOrder(KafkaProducer<byte[], byte[]> producer, String id, String customer) {
        producer.send(new ProducerRecord<>("orders", customer.getBytes(StandardCharsets.UTF_8),
                EnrichmentJson.write(new Order(id, customer, new BigDecimal("5.00"), "EUR", 1_000))));
    }
}
