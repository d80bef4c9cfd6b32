package io.ledgerstream.jobs.windows;

import static io.ledgerstream.jobs.json.JsonFields.bytes;
import static io.ledgerstream.jobs.json.JsonFields.instantText;
import static io.ledgerstream.jobs.json.JsonFields.newObject;

import io.ledgerstream.jobs.EventTime;
import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.kafka.EventDeserializer;
import io.ledgerstream.jobs.kafka.KafkaTopics;
import io.ledgerstream.jobs.kafka.KeyedEventSerializer;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJob;
import io.ledgerstream.jobs.payments.PaymentsJson;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Payments per currency per minute of event time, from the payments topic. Each closed minute is written once to
 * {@value #TOTALS}, keyed {@code CURRENCY@MINUTE-START}, as
 * {@code {"currency": "EUR", "window_start": "...", "window_end": "...", "payments": 12, "total": "340.10"}};
 * payments too late for their minute go to {@value #LATE} unchanged.
 *
 * <p>Options: {@code --bootstrap-servers HOST:PORT} (required), {@code --payments-topic}, {@code --totals-topic},
 * {@code --late-topic}, {@code --group-id} ({@value #GROUP}), {@code --delivery-guarantee} and
 * {@code --client-config FILE} (see {@link KafkaTopics#fromParams}), and the checkpoint settings of
 * {@link JobEnvironment}.
 */
public final class WindowsJob {
    public static final String NAME = "payments-per-minute";
    public static final String TOTALS = "payments-per-minute";
    public static final String LATE = "payments-late";
    public static final String GROUP = "ledgerstream-windows";

    private WindowsJob() {
    }

    public static void buildPipeline(StreamExecutionEnvironment env, Source<Payment, ?, ?> payments,
                                     Sink<MinuteTotal> totals, Sink<Payment> late) {
        SingleOutputStreamOperator<MinuteTotal> minutes = MinuteTotals.of(env.fromSource(payments,
                EventTime.<Payment>watermarks((payment, recordTimestamp) -> payment.timestamp), "payments")
                .uid("payments-source"));
        minutes.sinkTo(totals).uid("minute-totals-sink").name("minute totals");
        minutes.getSideOutput(MinuteTotals.LATE).sinkTo(late).uid("late-sink").name("late payments");
    }

    public static void buildPipeline(StreamExecutionEnvironment env, ParameterTool params) {
        KafkaTopics topics = KafkaTopics.fromParams(params);
        String group = params.get("group-id", GROUP);
        String totalsTopic = params.get("totals-topic", TOTALS);
        String lateTopic = params.get("late-topic", LATE);
        buildPipeline(env,
                topics.source(params.get("payments-topic", PaymentsJob.PAYMENTS), group,
                        EventDeserializer.ofValues(PaymentsJson::parsePayment, Types.POJO(Payment.class))),
                topics.sink(new KeyedEventSerializer<MinuteTotal>(totalsTopic,
                        m -> m.currency + "@" + instantText(m.windowStart), WindowsJob::write), group),
                topics.sink(new KeyedEventSerializer<Payment>(lateTopic, p -> p.customerId, PaymentsJson::write),
                        group));
    }

    public static byte[] write(MinuteTotal total) {
        return bytes(newObject()
                .put("currency", total.currency)
                .put("window_start", instantText(total.windowStart))
                .put("window_end", instantText(total.windowEnd))
                .put("payments", total.payments)
                .put("total", total.total.toPlainString()));
    }

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        StreamExecutionEnvironment env = JobEnvironment.create(params);
        buildPipeline(env, params);
        env.execute(NAME);
    }
}
