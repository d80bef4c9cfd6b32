package io.ledgerstream.jobs.enrichment;

import io.ledgerstream.jobs.EventTime;
import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.kafka.EventDeserializer;
import io.ledgerstream.jobs.kafka.KafkaTopics;
import io.ledgerstream.jobs.kafka.KeyedEventSerializer;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Order enrichment: joins every order with the latest record of its customer, kept as a state table in RocksDB
 * (updates replace, tombstones delete), and writes enriched orders keyed by customer id.
 *
 * <p>Options: {@code --bootstrap-servers HOST:PORT} (required), {@code --orders-topic} ({@value #ORDERS}),
 * {@code --customers-topic} ({@value #CUSTOMERS}), {@code --enriched-topic} ({@value #ENRICHED}),
 * {@code --group-id} ({@value #GROUP}), {@code --max-wait-ms} (how long an order waits for an unknown customer,
 * default 10 s), {@code --delivery-guarantee} and {@code --client-config FILE} (see {@link KafkaTopics#fromParams}),
 * and the checkpoint settings of {@link JobEnvironment}.
 */
public final class EnrichmentJob {
    public static final String NAME = "order-enrichment";
    public static final String ORDERS = "orders";
    public static final String CUSTOMERS = "customers";
    public static final String ENRICHED = "orders-enriched";
    public static final String GROUP = "ledgerstream-enrichment";
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);

    private EnrichmentJob() {
    }

    /** Wires the join between the two sources and a sink for enriched orders. */
    public static void buildPipeline(StreamExecutionEnvironment env, Source<Order, ?, ?> orders,
                                     Source<CustomerRecord, ?, ?> customers, Sink<EnrichedOrder> enriched,
                                     Duration maxWait) {
        DataStream<Order> orderStream = env.fromSource(orders,
                EventTime.<Order>watermarks((order, recordTimestamp) -> order.timestamp), "orders")
                .uid("orders-source");
        DataStream<CustomerRecord> customerStream = env.fromSource(customers, WatermarkStrategy.noWatermarks(),
                "customers").uid("customers-source");
        orderStream.connect(customerStream)
                .keyBy(order -> order.customerId, customer -> customer.customerId)
                .process(new OrderEnrichment(maxWait))
                .uid("order-enrichment")
                .name("orders joined with the customer table")
                .sinkTo(enriched).uid("enriched-sink").name("enriched orders");
    }

    /** Wires the join between topics of a Kafka-protocol cluster. */
    public static void buildPipeline(StreamExecutionEnvironment env, ParameterTool params) {
        KafkaTopics topics = KafkaTopics.fromParams(params);
        String group = params.get("group-id", GROUP);
        buildPipeline(env,
                topics.source(params.get("orders-topic", ORDERS), group,
                        EventDeserializer.ofValues(EnrichmentJson::parseOrder, Types.POJO(Order.class))),
                topics.source(params.get("customers-topic", CUSTOMERS), group,
                        EventDeserializer.ofRecords(EnrichmentJson::parseCustomer, Types.POJO(CustomerRecord.class))),
                topics.sink(new KeyedEventSerializer<EnrichedOrder>(params.get("enriched-topic", ENRICHED),
                        e -> e.order.customerId, EnrichmentJson::write), group),
                Duration.ofMillis(params.getLong("max-wait-ms", DEFAULT_MAX_WAIT.toMillis())));
    }

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        StreamExecutionEnvironment env = JobEnvironment.create(params);
        buildPipeline(env, params);
        env.execute(NAME);
    }
}
