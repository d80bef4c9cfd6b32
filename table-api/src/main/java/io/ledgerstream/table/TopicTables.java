package io.ledgerstream.table;

import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.DELIVERY_GUARANTEE;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.KEY_FIELDS;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.KEY_FORMAT;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.PROPS_BOOTSTRAP_SERVERS;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.SCAN_STARTUP_MODE;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.TOPIC;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.TRANSACTIONAL_ID_PREFIX;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.VALUE_FIELDS_INCLUDE;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.VALUE_FORMAT;
import static org.apache.flink.table.factories.FactoryUtil.CONNECTOR;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.ScanStartupMode;
import org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.ValueFieldsStrategy;
import org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory;
import org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.table.types.utils.TypeConversions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How a topic looks as a Flink table. A topic with a stored schema and a primary key is an upsert changelog (the
 * record key holds the key columns as JSON, a tombstone deletes); with a schema and no key it is an append stream of
 * JSON values; without a schema it is a raw table of {@code key} and {@code value} bytes. The table's options are
 * flink-connector-kafka's, named by its own {@code ConfigOption}s.
 */
final class TopicTables {
    /** flink-connector-kafka's prefix for Kafka client properties in table options. */
    private static final String PROPERTIES_PREFIX = "properties.";

    private TopicTables() {
    }

    /** The schema to store for a table being created. */
    static TopicSchema schemaOf(ResolvedSchema schema) {
        List<TopicSchema.Column> columns = new ArrayList<>();
        for (Column column : schema.getColumns()) {
            if (!column.isPhysical()) {
                throw new IllegalArgumentException("column " + column.getName() + " is computed or metadata; "
                        + "tables on topics hold physical columns only");
            }
            columns.add(new TopicSchema.Column(column.getName(),
                    column.getDataType().getLogicalType().asSerializableString()));
        }
        List<String> key = schema.getPrimaryKey().map(UniqueConstraint::getColumns).orElse(List.of());
        return new TopicSchema(TopicSchema.CURRENT_VERSION, columns, key, "json");
    }

    /**
     * The sinks' transaction timeout: within the broker's {@code transaction.max.timeout.ms} (15 minutes by default;
     * flink-connector-kafka's own default of one hour is refused).
     */
    private static final String TRANSACTION_TIMEOUT_MS = Long.toString(Duration.ofMinutes(10).toMillis());

    /**
     * The table a topic with this schema (or none) reads and writes as. Reads see committed transactions only
     * (read_committed); writes are exactly-once, in a Kafka transaction per checkpoint, with the transactional id
     * prefix {@code ledgerstream-<topic>}: one writing job per table, or a prefix of its own in an OPTIONS hint.
     * Every client setting of {@code clientProperties} is a {@code properties.*} option (the ones above win).
     */
    static CatalogTable table(String topic, TopicSchema schema, String bootstrapServers,
                              Map<String, String> clientProperties, String comment) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(TOPIC.key(), topic);
        clientProperties.forEach((key, value) -> options.put(PROPERTIES_PREFIX + key, value));
        options.put(PROPS_BOOTSTRAP_SERVERS.key(), bootstrapServers);
        options.put(PROPERTIES_PREFIX + ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        options.put(DELIVERY_GUARANTEE.key(), DeliveryGuarantee.EXACTLY_ONCE.toString());
        options.put(TRANSACTIONAL_ID_PREFIX.key(), "ledgerstream-" + topic);
        options.put(PROPERTIES_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        Schema.Builder columns = Schema.newBuilder();
        if (schema == null) {
            columns.column("key", DataTypes.BYTES()).column("value", DataTypes.BYTES());
            options.put(CONNECTOR.key(), KafkaDynamicTableFactory.IDENTIFIER);
            options.put(SCAN_STARTUP_MODE.key(), ScanStartupMode.EARLIEST_OFFSET.toString());
            options.put(KEY_FORMAT.key(), "raw");
            options.put(KEY_FIELDS.key(), "key");
            options.put(VALUE_FORMAT.key(), "raw");
            options.put(VALUE_FIELDS_INCLUDE.key(), ValueFieldsStrategy.EXCEPT_KEY.name());
        } else {
            ClassLoader loader = TopicTables.class.getClassLoader();
            for (TopicSchema.Column c : schema.columns()) {
                columns.column(c.name(), TypeConversions.fromLogicalToDataType(
                        LogicalTypeParser.parse(c.type(), loader)));
            }
            if (schema.upsert()) {
                columns.primaryKey(schema.primaryKey());
                options.put(CONNECTOR.key(), UpsertKafkaDynamicTableFactory.IDENTIFIER);
                options.put(KEY_FORMAT.key(), "json");
                options.put(VALUE_FORMAT.key(), "json");
                options.put(VALUE_FIELDS_INCLUDE.key(), ValueFieldsStrategy.ALL.name());
            } else {
                options.put(CONNECTOR.key(), KafkaDynamicTableFactory.IDENTIFIER);
                options.put(SCAN_STARTUP_MODE.key(), ScanStartupMode.EARLIEST_OFFSET.toString());
                options.put(VALUE_FORMAT.key(), "json");
            }
        }
        return CatalogTable.newBuilder().schema(columns.build()).comment(comment).options(options).build();
    }
}
