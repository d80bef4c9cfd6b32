package io.ledgerstream.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The table schema a topic carries in the log's metadata (the topic config {@link LedgerstreamOptions#SCHEMA}):
 * columns with their Flink SQL types, the primary key (empty: an append-only table) and the value format. Versioned,
 * so a later release can change the layout and still read this one; at most {@value #MAX_BYTES} bytes of JSON.
 */
public record TopicSchema(int version, List<Column> columns, List<String> primaryKey, String format) {
    public static final int CURRENT_VERSION = 1;
    /** The Kafka protocol's limit on a config value (a string with a 16-bit length), in UTF-8 bytes. */
    public static final int MAX_BYTES = Short.MAX_VALUE;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One column: its name and its type as Flink SQL writes it (e.g. {@code DECIMAL(18, 2) NOT NULL}). */
    public record Column(String name, String type) {
    }

    public TopicSchema {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        if (!format.equals("json")) {
            throw new IllegalArgumentException("format '" + format + "' is not supported; use 'json'");
        }
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public boolean upsert() {
        return !primaryKey.isEmpty();
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode().put("version", version).put("format", format);
        ArrayNode cols = node.putArray("columns");
        columns.forEach(c -> cols.addObject().put("name", c.name()).put("type", c.type()));
        ArrayNode key = node.putArray("primary_key");
        primaryKey.forEach(key::add);
        String json;
        try {
            json = JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("the table's schema takes more than " + MAX_BYTES
                    + " bytes, the most a topic config can hold");
        }
        return json;
    }

    /** @throws IllegalArgumentException naming what is wrong with the stored schema */
    public static TopicSchema fromJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the stored schema is not valid JSON: " + e.getMessage(), e);
        }
        int version = node.path("version").asInt(-1);
        if (version != CURRENT_VERSION) {
            throw new IllegalArgumentException("schema version " + version + " is not one this release reads");
        }
        List<Column> columns = new ArrayList<>();
        node.path("columns").forEach(c -> columns.add(new Column(c.path("name").asText(), c.path("type").asText())));
        List<String> key = new ArrayList<>();
        node.path("primary_key").forEach(k -> key.add(k.asText()));
        return new TopicSchema(version, columns, key, node.path("format").asText("json"));
    }
}
