package io.ledgerstream.jobs.enrichment;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins orders with the latest record of their customer, both keyed by customer id. The customer table is state:
 * an update replaces the record, a deletion removes it. An order whose customer is not known yet waits up to
 * {@code maxWait} (processing time) for the record to arrive, since the two topics are read independently; if none
 * comes it is emitted without customer details. Nothing is kept for a key once its orders are out and its
 * customer is deleted.
 *
 * <p>Not thread-safe, as Flink expects: each parallel instance is called from its task's one thread, and its state
 * lives in Flink's keyed state.
 */
public class OrderEnrichment extends KeyedCoProcessFunction<String, Order, CustomerRecord, EnrichedOrder> {
    private final Duration maxWait;
    private transient ValueState<CustomerRecord> customer;
    private transient ListState<Order> waiting;
    private transient ValueState<Long> deadline;

    public OrderEnrichment(Duration maxWait) {
        this.maxWait = maxWait;
    }

    @Override
    public void open(OpenContext context) {
        customer = getRuntimeContext().getState(new ValueStateDescriptor<>("customer",
                Types.POJO(CustomerRecord.class)));
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting-orders",
                Types.POJO(Order.class)));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("wait-deadline", Types.LONG));
    }

    @Override
    public void processElement1(Order order, Context context, Collector<EnrichedOrder> out) throws Exception {
        CustomerRecord known = customer.value();
        if (known != null) {
            out.collect(new EnrichedOrder(order, known));
            return;
        }
        waiting.add(order);
        if (deadline.value() == null) {
            long at = context.timerService().currentProcessingTime() + maxWait.toMillis();
            context.timerService().registerProcessingTimeTimer(at);
            deadline.update(at);
        }
    }

    @Override
    public void processElement2(CustomerRecord record, Context context, Collector<EnrichedOrder> out)
            throws Exception {
        if (record.deleted) {
            customer.clear();
            return;
        }
        customer.update(record);
        flush(record, context, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<EnrichedOrder> out) throws Exception {
        flush(null, context, out);
    }

    private void flush(CustomerRecord with, Context context, Collector<EnrichedOrder> out) throws Exception {
        for (Order order : waiting.get()) {
            out.collect(new EnrichedOrder(order, with));
        }
        waiting.clear();
        Long at = deadline.value();
        if (at != null) {
            context.timerService().deleteProcessingTimeTimer(at);
            deadline.clear();
        }
    }
}
