package io.ledgerstream.jobs.payments;

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
 * The JSON schema of the payments processor's topics, in one place. A payment:
 * <pre>{"payment_id": "p-1", "customer_id": "c-7", "amount": "12.50", "currency": "EUR",
 *  "timestamp": "2026-11-25T10:00:00Z"}</pre>
 * ({@code amount} a decimal string or number, {@code timestamp} ISO-8601 or epoch milliseconds). A row of the state
 * table, keyed by customer id:
 * <pre>{"customer_id": "c-7", "payments": 3, "total": "37.50", "currency": "EUR",
 *  "updated_at": "2026-11-25T10:00:00Z"}</pre>
 */
public final class PaymentsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private PaymentsJson() {
    }

    /** Parses a payment, or fails with a message that names the field at fault. */
    public static Payment parsePayment(byte[] json) {
        JsonNode node = tree(json);
        BigDecimal amount = decimal(node, "amount");
        if (amount.signum() <= 0) {
            throw new MalformedEventException("amount must be positive, was " + amount);
        }
        return new Payment(text(node, "payment_id"), text(node, "customer_id"), amount,
                text(node, "currency"), instant(node, "timestamp"));
    }

    public static byte[] write(Payment payment) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("payment_id", payment.paymentId)
                .put("customer_id", payment.customerId)
                .put("amount", payment.amount.toPlainString())
                .put("currency", payment.currency)
                .put("timestamp", Instant.ofEpochMilli(payment.timestamp).toString());
        return bytes(node);
    }

    public static byte[] write(CustomerTotal total) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("customer_id", total.customerId)
                .put("payments", total.payments)
                .put("total", total.total.toPlainString())
                .put("currency", total.currency)
                .put("updated_at", Instant.ofEpochMilli(total.updatedAt).toString());
        return bytes(node);
    }

    public static CustomerTotal parseTotal(byte[] json) {
        JsonNode node = tree(json);
        JsonNode payments = node.get("payments");
        if (payments == null || !payments.canConvertToLong()) {
            throw new MalformedEventException("payments is missing or not a whole number");
        }
        return new CustomerTotal(text(node, "customer_id"), text(node, "currency"), payments.asLong(),
                decimal(node, "total"), instant(node, "updated_at"));
    }

    private static JsonNode tree(byte[] json) {
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

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedEventException(field + " is missing or not a non-empty string");
        }
        return value.asText();
    }

    private static BigDecimal decimal(JsonNode node, String field) {
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

    private static long instant(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && value.canConvertToLong() && value.isIntegralNumber()) {
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

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
