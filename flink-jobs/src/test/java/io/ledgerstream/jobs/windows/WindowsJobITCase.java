package io.ledgerstream.jobs.windows;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.jobs.json.JsonFields;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJson;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The per-minute aggregation in a Flink MiniCluster against the standalone platform, checked window by window. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WindowsJobITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_700_000_040_000L - 1_700_000_040_000L % MINUTE;

    @TempDir
    Path dir;

    @Test
    void eachClosedMinuteIsWrittenOnceWithItsTotalsAndLatePaymentsAreSetAside() throws Exception {
        try (JobTestbed testbed = JobTestbed.start(dir);
             KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            testbed.createTopics("payments", 3, "payments-per-minute", 1, "payments-late", 1);
            SplittableRandom random = new SplittableRandom(3);
            Map<String, MinuteTotal> expected = new HashMap<>();
            for (int i = 0; i < 900; i++) {
                // Three minutes of payments in time order, each up to a second early or late: within the
                // processors' bounded disorder, so none is late whenever the watermark moves.
                long at = Math.max(T0, Math.min(T0 + 3 * MINUTE - 1, T0 + i * (3 * MINUTE / 900)
                        + random.nextLong(-1_000, 1_000)));
                String currency = i % 2 == 0 ? "EUR" : "USD";
                Payment p = new Payment("w" + i, "c" + i % 7, BigDecimal.valueOf(random.nextLong(100, 10_000), 2),
                        currency, at);
                send(producer, i % 3, p);
                long start = at - at % MINUTE;
                expected.merge(currency + "@" + start, new MinuteTotal(currency, start, start + MINUTE, 1, p.amount),
                        (a, b) -> new MinuteTotal(a.currency, a.windowStart, a.windowEnd, a.payments + 1,
                                a.total.add(b.total)));
            }
            // Every partition moves past minute 3 (plus the allowed disorder): minutes 0-2 close.
            for (int partition = 0; partition < 3; partition++) {
                send(producer, partition, new Payment("push" + partition, "c0", BigDecimal.ONE, "EUR",
                        T0 + 4 * MINUTE + 10_000));
            }
            producer.flush();

            JobClient job = testbed.run("windows", WindowsJob::buildPipeline);
            try (var totals = testbed.reader("payments-per-minute"); var late = testbed.reader("payments-late")) {
                Await.until("minutes 0-2 of both currencies are written", WAIT,
                        () -> totals.poll().size() >= expected.size());
                List<String> keys = new ArrayList<>();
                Map<String, MinuteTotal> written = new HashMap<>();
                totals.poll().forEach(r -> {
                    String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    keys.add(key);
                    written.put(key, parse(r.value()));
                });
                assertThat(keys).as("each minute once").doesNotHaveDuplicates();
                Map<String, MinuteTotal> expectedByKey = new HashMap<>();
                expected.forEach((k, v) -> expectedByKey.put(v.currency + "@"
                        + JsonFields.instantText(v.windowStart), v));
                assertThat(written).isEqualTo(expectedByKey);

                Payment tooLate = new Payment("late", "c1", new BigDecimal("3.00"), "EUR", T0 + 1_000);
                send(producer, 0, tooLate);
                producer.flush();
                Await.until("the late payment is set aside", WAIT, () -> !late.poll().isEmpty());
                assertThat(late.values()).extracting(PaymentsJson::parsePayment).containsExactly(tooLate);
                assertThat(totals.poll()).as("no total changed").hasSize(expected.size());
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static MinuteTotal parse(byte[] json) {
        var node = JsonFields.object(json);
        return new MinuteTotal(JsonFields.text(node, "currency"), JsonFields.instant(node, "window_start"),
                JsonFields.instant(node, "window_end"), JsonFields.wholeNumber(node, "payments"),
                JsonFields.decimal(node, "total"));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int partition, Payment p) {
        producer.send(new ProducerRecord<>("payments", partition, null, PaymentsJson.write(p)));
    }
}
