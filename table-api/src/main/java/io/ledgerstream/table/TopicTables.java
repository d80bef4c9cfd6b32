package io.ledgerstream.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * JSON values; without a schema it is a raw table of {@code key} and {@code value} bytes.
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
        options.put("topic", topic);
        options.put("properties.bootstrap.servers", bootstrapServers);
        Schema.Builder columns = Schema.newBuilder();
        if (schema == null) {
            columns.column("key", DataTypes.BYTES()).column("value", DataTypes.BYTES());
            options.put("connector", "kafka");
            options.put("scan.startup.mode", "earliest-offset");
            options.put("key.format", "raw");
            options.put("key.fields", "key");
            options.put("value.format", "raw");
            options.put("value.fields-include", "EXCEPT_KEY");
        } else {
            ClassLoader loader = TopicTables.class.getClassLoader();
            for (TopicSchema.Column c : schema.columns()) {
                columns.column(c.name(), TypeConversions.fromLogicalToDataType(
                        LogicalTypeParser.parse(c.type(), loader)));
            }
            if (schema.upsert()) {
                columns.primaryKey(schema.primaryKey());
                options.put("connector", "upsert-kafka");
                options.put("key.format", "json");
                options.put("value.format", "json");
                options.put("value.fields-include", "ALL");
            } else {
                options.put("connector", "kafka");
                options.put("scan.startup.mode", "earliest-offset");
                options.put("value.format", "json");
            }
        }
        return CatalogTable.newBuilder().schema(columns.build()).comment(comment).options(options).build();
    }
}
