package io.ledgerstream.connectors.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * PostgreSQL values, in their text form (as pgoutput and {@code ResultSet.getString} give them), to JSON: integers
 * and floats as numbers, {@code numeric} as a string (no precision lost), booleans, {@code json}/{@code jsonb}
 * as nested JSON, {@code timestamptz} as an ISO-8601 instant, everything else as its text.
 */
final class PgValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BOOL = 16;
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int OID = 26;
    private static final int JSON_TYPE = 114;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int TIMESTAMP = 1114;
    private static final int TIMESTAMPTZ = 1184;
    private static final int JSONB = 3802;
    /** PostgreSQL's output: {@code 2026-11-25 10:00:00.123456+00}, offsets as +HH, +HH:MM or +HH:MM:SS. */
    private static final DateTimeFormatter TIMESTAMPTZ_TEXT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendOffset("+HH:mm:ss", "+00")
            .toFormatter();

    private PgValues() {
    }

    static JsonNode toJson(String text, int typeOid) {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return switch (typeOid) {
                case BOOL -> NODES.booleanNode(text.equals("t") || text.equals("true"));
                case INT2, INT4, INT8, OID -> NODES.numberNode(Long.parseLong(text));
                case FLOAT4, FLOAT8 -> floating(text);
                case JSON_TYPE, JSONB -> JSON.readTree(text);
                case TIMESTAMPTZ -> NODES.textNode(OffsetDateTime.parse(text, TIMESTAMPTZ_TEXT).toInstant().toString());
                case TIMESTAMP -> NODES.textNode(text.replace(' ', 'T'));
                default -> NODES.textNode(text);
            };
        } catch (NumberFormatException | DateTimeParseException | IOException e) {
            // Infinity, BC dates and the like: the text itself says it best.
            return NODES.textNode(text);
        }
    }

    private static JsonNode floating(String text) {
        double value = Double.parseDouble(text);
        return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(text);
    }
}
