package io.ledgerstream.jobs.payments;

import static io.ledgerstream.jobs.json.JsonFields.bytes;
import static io.ledgerstream.jobs.json.JsonFields.decimal;
import static io.ledgerstream.jobs.json.JsonFields.instant;
import static io.ledgerstream.jobs.json.JsonFields.instantText;
import static io.ledgerstream.jobs.json.JsonFields.newObject;
import static io.ledgerstream.jobs.json.JsonFields.object;
import static io.ledgerstream.jobs.json.JsonFields.positive;
import static io.ledgerstream.jobs.json.JsonFields.text;
import static io.ledgerstream.jobs.json.JsonFields.wholeNumber;

import com.fasterxml.jackson.databind.JsonNode;

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
    private PaymentsJson() {
    }

    /** Parses a payment, or fails with a message that names the field at fault. */
    public static Payment parsePayment(byte[] json) {
        JsonNode node = object(json);
        return new Payment(text(node, "payment_id"), text(node, "customer_id"), positive(node, "amount"),
                text(node, "currency"), instant(node, "timestamp"));
    }

    public static byte[] write(Payment payment) {
        return bytes(newObject()
                .put("payment_id", payment.paymentId)
                .put("customer_id", payment.customerId)
                .put("amount", payment.amount.toPlainString())
                .put("currency", payment.currency)
                .put("timestamp", instantText(payment.timestamp)));
    }

    public static byte[] write(CustomerTotal total) {
        return bytes(newObject()
                .put("customer_id", total.customerId)
                .put("payments", total.payments)
                .put("total", total.total.toPlainString())
                .put("currency", total.currency)
                .put("updated_at", instantText(total.updatedAt)));
    }

    public static CustomerTotal parseTotal(byte[] json) {
        JsonNode node = object(json);
        return new CustomerTotal(text(node, "customer_id"), text(node, "currency"), wholeNumber(node, "payments"),
                decimal(node, "total"), instant(node, "updated_at"));
    }
}
