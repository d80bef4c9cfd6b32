package io.ledgerstream.connectors.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * PostgreSQL values, in their text form (as pgoutput and {@code ResultSet.getString} give them), written as JSON:
 * integers and floats as numbers, {@code numeric} as a string (no precision lost), booleans, {@code json}/{@code
 * jsonb} as nested JSON, {@code timestamptz} as an ISO-8601 instant, everything else as its text. Written straight
 * to a generator: this runs for every column of every change.
 */
final class PgValues {
    private static final JsonFactory FACTORY = new JsonFactory();
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
    private static final String UTC = "+00";
    /** PostgreSQL's output: {@code 2026-11-25 10:00:00.123456+00}, offsets as +HH, +HH:MM or +HH:MM:SS. */
    private static final DateTimeFormatter TIMESTAMPTZ_TEXT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendOffset("+HH:mm:ss", "+00")
            .toFormatter();

    private PgValues() {
    }

    /** Writes one value. */
    static void write(JsonGenerator g, String text, int typeOid) throws IOException {
        if (text == null) {
            g.writeNull();
            return;
        }
        switch (typeOid) {
            case BOOL -> g.writeBoolean(text.equals("t") || text.equals("true"));
            case INT2, INT4, INT8, OID -> {
                if (isInteger(text)) {
                    g.writeNumber(text);
                } else {
                    g.writeString(text);
                }
            }
            case FLOAT4, FLOAT8 -> {
                if (isFinite(text)) {
                    g.writeNumber(text);
                } else {
                    g.writeString(text);
                }
            }
            case JSON_TYPE, JSONB -> g.writeRawValue(text);
            case TIMESTAMPTZ -> g.writeString(instant(text));
            case TIMESTAMP -> g.writeString(text.replace(' ', 'T'));
            default -> g.writeString(text);
        }
    }

    /** One value as a JSON tree (for tests and tools; the connector writes straight to a generator). */
    static JsonNode toJson(String text, int typeOid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, text, typeOid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code timestamptz} as an ISO-8601 instant. The connector's sessions run in UTC, so the text ends in
     * {@code +00} and needs no parsing; another offset is parsed, and text that is no instant (infinity, BC) kept.
     */
    private static String instant(String text) {
        if (text.endsWith(UTC) && text.length() >= 22 && text.charAt(10) == ' ') {
            return text.substring(0, 10) + 'T' + text.substring(11, text.length() - UTC.length()) + 'Z';
        }
        try {
            return OffsetDateTime.parse(text, TIMESTAMPTZ_TEXT).toInstant().toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private static boolean isInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isFinite(String text) {
        try {
            return Double.isFinite(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
