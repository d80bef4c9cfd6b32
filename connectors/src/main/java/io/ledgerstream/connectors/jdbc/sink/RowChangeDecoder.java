package io.ledgerstream.connectors.jdbc.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decodes a topic record into a {@link RowChange}. A JSON object value is an upsert of its fields as columns; a
 * null value (a tombstone) is a delete. Each primary-key column's value comes from, in this order: the key's field
 * of that name when the key is a JSON object; the whole key when it is plain text, a JSON string or a JSON number
 * and the primary key has one column; the value's field of that name (upserts only). A record that gives no value
 * for a primary-key column, or whose value is not a JSON object, is a {@link BadRecordException} naming why.
 *
 * <p>Stateless and thread-safe.
 */
public final class RowChangeDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final List<String> primaryKey;

    public RowChangeDecoder(List<String> primaryKey) {
        this.primaryKey = List.copyOf(primaryKey);
    }

    public RowChange decode(ConnectorRecord record) throws BadRecordException {
        JsonNode value = null;
        if (record.value != null) {
            value = parse(record.value, "value");
            if (!value.isObject()) {
                throw new BadRecordException("The value is JSON but not an object (it is " + kind(value)
                        + "); the jdbc sink writes objects' fields as columns");
            }
        }
        JsonNode key = record.key == null ? null : parseKey(record.key);
        String[] keyValues = new String[primaryKey.size()];
        for (int i = 0; i < keyValues.length; i++) {
            keyValues[i] = keyValue(primaryKey.get(i), key, value);
        }
        if (value == null) {
            return RowChange.delete(keyValues);
        }
        List<String> columns = new ArrayList<>(primaryKey);
        List<String> values = new ArrayList<>(List.of(keyValues));
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!primaryKey.contains(field.getKey())) {
                columns.add(field.getKey());
                values.add(text(field.getValue()));
            }
        }
        return RowChange.upsert(keyValues, columns.toArray(String[]::new), values.toArray(String[]::new));
    }

    private String keyValue(String column, JsonNode key, JsonNode value) throws BadRecordException {
        JsonNode found = null;
        if (key != null && key.isObject()) {
            found = key.get(column);
        } else if (key != null && primaryKey.size() == 1 && (key.isTextual() || key.isNumber())) {
            found = key;
        }
        if (found == null && value != null) {
            found = value.get(column);
        }
        if (found == null || found.isNull()) {
            String where = value == null ? "the key (a tombstone has no value to take it from)"
                    : "the key or the value";
            throw new BadRecordException("The record gives no value for the primary-key column '" + column
                    + "' in " + where);
        }
        if (found.isContainerNode()) {
            throw new BadRecordException("The primary-key column '" + column + "' is given " + kind(found)
                    + ", not a single value");
        }
        return text(found);
    }

    /** A key that is not JSON at all is plain text: the whole key is the value. */
    private static JsonNode parseKey(byte[] key) {
        try {
            return JSON.readTree(key);
        } catch (java.io.IOException e) {
            return JSON.getNodeFactory().textNode(new String(key, StandardCharsets.UTF_8));
        }
    }

    private static JsonNode parse(byte[] bytes, String what) throws BadRecordException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new BadRecordException("The " + what + " is empty, not JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRecordException("The " + what + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new BadRecordException("The " + what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A JSON value as the text PostgreSQL casts: numbers in plain notation, containers as JSON, null as null. */
    static String text(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isBigDecimal()) {
            return node.decimalValue().toPlainString();
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        return node.toString();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
