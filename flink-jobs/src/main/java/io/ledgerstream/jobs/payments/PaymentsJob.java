package io.ledgerstream.jobs.payments;

import io.ledgerstream.jobs.EventTime;
import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.kafka.EventDeserializer;
import io.ledgerstream.jobs.kafka.KafkaTopics;
import io.ledgerstream.jobs.kafka.KeyedEventSerializer;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Payments per customer, the platform's main job: reads payment events, keeps the state table customer → (count,
 * total) in RocksDB and writes every change of a row as an upsert keyed by customer id.
 *
 * <p>Run it on any Flink cluster with {@code --bootstrap-servers HOST:PORT} and optionally {@code --payments-topic}
 * (default {@value #PAYMENTS}), {@code --totals-topic} ({@value #TOTALS}), {@code --rejected-topic}
 * ({@value #REJECTED}), {@code --group-id} ({@value #GROUP}), {@code --dedup-window-ms} (one day),
 * {@code --delivery-guarantee} of the sinks ({@code exactly-once}, the default, or {@code at-least-once}; see
 * {@link KafkaTopics}), {@code --client-config FILE} (Kafka client security settings for every client, see
 * {@link io.ledgerstream.jobs.kafka.ClientConfig}), and the checkpoint settings of {@link JobEnvironment}.
 */
public final class PaymentsJob {
    public static final String NAME = "payments-per-customer";
    public static final String PAYMENTS = "payments";
    public static final String TOTALS = "customer-totals";
    public static final String REJECTED = "payments-rejected";
    public static final String GROUP = "ledgerstream-payments";
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofDays(1);

    private PaymentsJob() {
    }

    /** Wires the processor between a source of payments and sinks for the table's changes and rejected payments. */
    public static void buildPipeline(StreamExecutionEnvironment env, Source<Payment, ?, ?> payments,
                                     Sink<CustomerTotal> totals, Sink<Payment> rejected, Duration dedupWindow) {
        SingleOutputStreamOperator<CustomerTotal> table = env.fromSource(payments,
                        EventTime.<Payment>watermarks((payment, recordTimestamp) -> payment.timestamp), "payments")
                .uid("payments-source")
                .keyBy(payment -> payment.customerId)
                .process(new PaymentTotals(dedupWindow))
                .uid("payment-totals")
                .name("payment totals per customer");
        table.sinkTo(totals).uid("totals-sink").name("customer totals");
        table.getSideOutput(PaymentTotals.REJECTED).sinkTo(rejected).uid("rejected-sink").name("rejected payments");
    }

    /** Wires the processor between topics of a Kafka-protocol cluster. */
    public static void buildPipeline(StreamExecutionEnvironment env, ParameterTool params) {
        KafkaTopics topics = KafkaTopics.fromParams(params);
        String totalsTopic = params.get("totals-topic", TOTALS);
        String rejectedTopic = params.get("rejected-topic", REJECTED);
        String group = params.get("group-id", GROUP);
        buildPipeline(env,
                topics.source(params.get("payments-topic", PAYMENTS), group,
                        EventDeserializer.ofValues(PaymentsJson::parsePayment, Types.POJO(Payment.class))),
                topics.sink(new KeyedEventSerializer<CustomerTotal>(totalsTopic, t -> t.customerId,
                        PaymentsJson::write), group),
                topics.sink(new KeyedEventSerializer<Payment>(rejectedTopic, p -> p.customerId, PaymentsJson::write),
                        group),
                Duration.ofMillis(params.getLong("dedup-window-ms", DEFAULT_DEDUP_WINDOW.toMillis())));
    }

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        StreamExecutionEnvironment env = JobEnvironment.create(params);
        buildPipeline(env, params);
        env.execute(NAME);
    }
}
