package io.ledgerstream.jobs.payments;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The payments state table: per customer (the key), the number of payments and their total. Every change is
 * emitted as the customer's new row. A payment id seen before (a producer retry, a replayed file) is counted once
 * within {@code dedupWindow}; a payment in another currency than the customer's first goes to {@link #REJECTED}
 * instead of being added to a total it does not belong to.
 *
 * <p>Not thread-safe, as Flink expects: each parallel instance is called from its task's one thread, and its state
 * lives in Flink's keyed state.
 */
public class PaymentTotals extends KeyedProcessFunction<String, Payment, CustomerTotal> {
    /** Payments that cannot be added to their customer's total. */
    public static final OutputTag<Payment> REJECTED = new OutputTag<>("rejected-payments", Types.POJO(Payment.class));

    private final Duration dedupWindow;
    private transient ValueState<CustomerTotal> totals;
    private transient MapState<String, Boolean> seen;

    /** @param dedupWindow how long a payment id is remembered after it was counted */
    public PaymentTotals(Duration dedupWindow) {
        this.dedupWindow = dedupWindow;
    }

    @Override
    public void open(OpenContext context) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("totals", Types.POJO(CustomerTotal.class)));
        MapStateDescriptor<String, Boolean> seenIds = new MapStateDescriptor<>("seen-payment-ids", Types.STRING,
                Types.BOOLEAN);
        seenIds.enableTimeToLive(StateTtlConfig.newBuilder(dedupWindow)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        seen = getRuntimeContext().getMapState(seenIds);
    }

    @Override
    public void processElement(Payment payment, Context context, Collector<CustomerTotal> out) throws Exception {
        if (seen.contains(payment.paymentId)) {
            return;
        }
        CustomerTotal current = totals.value();
        if (current != null && !current.currency.equals(payment.currency)) {
            context.output(REJECTED, payment);
            return;
        }
        CustomerTotal updated = current == null ? CustomerTotal.first(payment) : current.plus(payment);
        seen.put(payment.paymentId, true);
        totals.update(updated);
        out.collect(updated);
    }
}
