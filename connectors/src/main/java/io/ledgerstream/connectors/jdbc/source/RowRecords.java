package io.ledgerstream.connectors.jdbc.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * A row as JSON: integers and floating-point numbers as JSON numbers, numeric as a string (to keep its precision),
 * booleans as JSON booleans, json and jsonb as nested JSON, timestamps as ISO-8601 UTC instants (a timestamp
 * without time zone is read as UTC), SQL NULL as null, anything else as its text. The record key is the object of
 * the key columns (none: no key); the record timestamp is the timestamp column's, if the mode has one.
 *
 * <p>Stateless and thread-safe.
 */
final class RowRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<String> keyColumns;
    private final String timestampColumn;

    /** @param keyColumns the key's columns; empty for records without a key */
    RowRecords(List<String> keyColumns, String timestampColumn) {
        this.keyColumns = List.copyOf(keyColumns);
        this.timestampColumn = timestampColumn;
    }

    /** The current row of {@code rows} as a JSON object, column by column. */
    ObjectNode value(ResultSet rows) throws SQLException, IOException {
        ResultSetMetaData meta = rows.getMetaData();
        ObjectNode row = NODES.objectNode();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.set(meta.getColumnLabel(i), column(rows, i, meta.getColumnType(i), meta.getColumnTypeName(i)));
        }
        return row;
    }

    /** The record key: the key columns of a row's JSON, or null when there are none. */
    byte[] key(ObjectNode value) throws IOException {
        if (keyColumns.isEmpty()) {
            return null;
        }
        ObjectNode key = NODES.objectNode();
        for (String column : keyColumns) {
            JsonNode v = value.get(column);
            if (v == null) {
                throw new IOException("The row has no key column '" + column + "'");
            }
            key.set(column, v);
        }
        return JSON.writeValueAsBytes(key);
    }

    byte[] bytes(ObjectNode value) throws IOException {
        return JSON.writeValueAsBytes(value);
    }

    /** The row's timestamp in epoch milliseconds, or {@code Long.MIN_VALUE} for none. */
    long timestamp(ObjectNode value) {
        JsonNode ts = timestampColumn == null ? null : value.get(timestampColumn);
        if (ts == null || !ts.isTextual()) {
            return Long.MIN_VALUE;
        }
        try {
            return java.time.Instant.parse(ts.asText()).toEpochMilli();
        } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    private static JsonNode column(ResultSet rows, int i, int type, String typeName)
            throws SQLException, IOException {
        String text = rows.getString(i);
        if (text == null) {
            return NODES.nullNode();
        }
        String name = typeName.toLowerCase(Locale.ROOT);
        switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT:
                return NODES.numberNode(rows.getLong(i));
            case Types.REAL, Types.FLOAT, Types.DOUBLE:
                double d = rows.getDouble(i);
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(text);
            case Types.BOOLEAN, Types.BIT:
                if (name.equals("bool") || name.equals("boolean")) {
                    return NODES.booleanNode(rows.getBoolean(i));
                }
                return NODES.textNode(text);
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE:
                return instant(rows, i, name, text);
            default:
                if (name.equals("json") || name.equals("jsonb")) {
                    return JSON.readTree(text);
                }
                return NODES.textNode(text);
        }
    }

    private static JsonNode instant(ResultSet rows, int i, String name, String text) throws SQLException {
        if (text.endsWith("infinity")) {
            return NODES.textNode(text);
        }
        if (name.equals("timestamptz")) {
            return NODES.textNode(rows.getObject(i, OffsetDateTime.class).toInstant().toString());
        }
        return NODES.textNode(rows.getObject(i, LocalDateTime.class).toInstant(ZoneOffset.UTC).toString());
    }
}
