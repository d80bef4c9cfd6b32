package io.ledgerstream.jobs.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.jobs.kafka.MalformedEventException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reading and writing the fields of our JSON events, with one rule for each kind of field: strings non-empty,
 * decimals as strings or numbers (exact), instants as ISO-8601 or epoch milliseconds. A field that breaks its rule
 * fails with a {@link MalformedEventException} naming it.
 */
public final class JsonFields {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private JsonFields() {
    }

    public static JsonNode object(byte[] json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new MalformedEventException("not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedEventException(field + " is missing or not a non-empty string");
        }
        return value.asText();
    }

    /** A string field that may be absent or null. */
    public static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedEventException(field + " is not a string");
        }
        return value.asText();
    }

    public static long wholeNumber(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new MalformedEventException(field + " is missing or not a whole number");
        }
        return value.asLong();
    }

    public static BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        try {
            if (value != null && value.isNumber()) {
                return value.decimalValue();
            }
            if (value != null && value.isTextual()) {
                return new BigDecimal(value.asText());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedEventException(field + " is missing or not a decimal number");
    }

    /** A decimal that must be above zero (amounts). */
    public static BigDecimal positive(JsonNode node, String field) {
        BigDecimal value = decimal(node, field);
        if (value.signum() <= 0) {
            throw new MalformedEventException(field + " must be positive, was " + value);
        }
        return value;
    }

    public static long instant(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        try {
            if (value != null && value.isTextual()) {
                return Instant.parse(value.asText()).toEpochMilli();
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new MalformedEventException(field + " is missing or neither ISO-8601 nor epoch milliseconds");
    }

    public static String instantText(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
