package io.ledgerstream.jobs.windows;

import io.ledgerstream.jobs.payments.Payment;
import java.math.BigDecimal;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per-minute payment totals per currency in event time: tumbling one-minute windows that fire once the watermark
 * passes their end. A payment that arrives after its minute has fired (later than the watermark's allowed
 * disorder) goes to {@link #LATE} instead of changing a total already written.
 */
public final class MinuteTotals {
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Payments too late for their minute. */
    public static final OutputTag<Payment> LATE = new OutputTag<>("late-payments", Types.POJO(Payment.class));

    private MinuteTotals() {
    }

    /** Adds the windowed aggregation to a stream of payments that carries event-time watermarks. */
    public static SingleOutputStreamOperator<MinuteTotal> of(DataStream<Payment> payments) {
        return payments
                .keyBy(payment -> payment.currency)
                .window(TumblingEventTimeWindows.of(WINDOW))
                .sideOutputLateData(LATE)
                .aggregate(new Sum(), new WithWindow())
                .uid("minute-totals")
                .name("payments per currency per minute");
    }

    /** Running count and sum of one window. A Flink POJO. */
    public static class Accumulator {
        public long payments;
        public BigDecimal total = BigDecimal.ZERO;
    }

    static final class Sum implements AggregateFunction<Payment, Accumulator, Accumulator> {
        @Override
        public Accumulator createAccumulator() {
            return new Accumulator();
        }

        @Override
        public Accumulator add(Payment payment, Accumulator acc) {
            acc.payments++;
            acc.total = acc.total.add(payment.amount);
            return acc;
        }

        @Override
        public Accumulator getResult(Accumulator acc) {
            return acc;
        }

        @Override
        public Accumulator merge(Accumulator a, Accumulator b) {
            a.payments += b.payments;
            a.total = a.total.add(b.total);
            return a;
        }
    }

    static final class WithWindow extends ProcessWindowFunction<Accumulator, MinuteTotal, String, TimeWindow> {
        @Override
        public void process(String currency, Context context, Iterable<Accumulator> sums, Collector<MinuteTotal> out) {
            Accumulator sum = sums.iterator().next();
            out.collect(new MinuteTotal(currency, context.window().getStart(), context.window().getEnd(),
                    sum.payments, sum.total));
        }
    }
}
