package io.ledgerstream.table;

import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.KEY_FIELDS;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.KEY_FORMAT;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.PROPS_BOOTSTRAP_SERVERS;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.SCAN_STARTUP_MODE;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.TOPIC;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.VALUE_FIELDS_INCLUDE;
import static org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions.VALUE_FORMAT;
import static org.apache.flink.table.factories.FactoryUtil.CONNECTOR;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * How a topic looks as a Flink table. A topic with a stored schema and a primary key is an upsert changelog (the
 * record key holds the key columns as JSON, a tombstone deletes); with a schema and no key it is an append stream of
 * JSON values; without a schema it is a raw table of {@code key} and {@code value} bytes. The table's options are
 * flink-connector-kafka's, named by its own {@code ConfigOption}s.
 */
final class TopicTables {
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

    /** The table a topic with this schema (or none) reads and writes as. */
    static CatalogTable table(String topic, TopicSchema schema, String bootstrapServers, String comment) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(TOPIC.key(), topic);
        options.put(PROPS_BOOTSTRAP_SERVERS.key(), bootstrapServers);
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
