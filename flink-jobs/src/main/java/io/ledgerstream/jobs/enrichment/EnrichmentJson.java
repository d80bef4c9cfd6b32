package io.ledgerstream.jobs.enrichment;

import static io.ledgerstream.jobs.json.JsonFields.bytes;
import static io.ledgerstream.jobs.json.JsonFields.instant;
import static io.ledgerstream.jobs.json.JsonFields.instantText;
import static io.ledgerstream.jobs.json.JsonFields.newObject;
import static io.ledgerstream.jobs.json.JsonFields.object;
import static io.ledgerstream.jobs.json.JsonFields.optionalText;
import static io.ledgerstream.jobs.json.JsonFields.positive;
import static io.ledgerstream.jobs.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.jobs.kafka.MalformedEventException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON schema of the enrichment processor's topics. An order:
 * <pre>{"order_id": "o-1", "customer_id": "c-7", "amount": "99.90", "currency": "EUR",
 *  "timestamp": "2026-11-25T10:00:00Z"}</pre>
 * A customer, keyed by customer id (a record with the key and no value deletes the customer):
 * <pre>{"name": "Ada", "tier": "gold", "country": "GB"}</pre>
 * An enriched order, keyed by customer id: the order's fields and {@code "customer": {"name", "tier", "country"}},
 * or {@code "customer": null} when the customer is not known.
 */
public final class EnrichmentJson {
    private EnrichmentJson() {
    }

    public static Order parseOrder(byte[] json) {
        return order(object(json));
    }

    private static Order order(JsonNode node) {
        return new Order(text(node, "order_id"), text(node, "customer_id"), positive(node, "amount"),
                text(node, "currency"), instant(node, "timestamp"));
    }

    /** A customer record from the customers topic's key and value; a null value is a deletion. */
    public static CustomerRecord parseCustomer(byte[] key, byte[] value) {
        if (key == null || key.length == 0) {
            throw new MalformedEventException("a customer record needs the customer id as its key");
        }
        String customerId = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return CustomerRecord.deletion(customerId);
        }
        JsonNode node = object(value);
        return new CustomerRecord(customerId, text(node, "name"), optionalText(node, "tier"),
                optionalText(node, "country"));
    }

    public static byte[] write(Order order) {
        return bytes(orderFields(order));
    }

    public static byte[] write(CustomerRecord customer) {
        return bytes(customerFields(newObject(), customer));
    }

    public static byte[] write(EnrichedOrder enriched) {
        ObjectNode node = orderFields(enriched.order);
        if (enriched.customer == null) {
            node.putNull("customer");
        } else {
            customerFields(node.putObject("customer"), enriched.customer);
        }
        return bytes(node);
    }

    public static EnrichedOrder parseEnriched(byte[] json) {
        JsonNode node = object(json);
        Order order = order(node);
        JsonNode customer = node.get("customer");
        if (customer == null || customer.isNull()) {
            return new EnrichedOrder(order, null);
        }
        return new EnrichedOrder(order, new CustomerRecord(order.customerId, text(customer, "name"),
                optionalText(customer, "tier"), optionalText(customer, "country")));
    }

    private static ObjectNode customerFields(ObjectNode node, CustomerRecord customer) {
        return node.put("name", customer.name).put("tier", customer.tier).put("country", customer.country);
    }

    private static ObjectNode orderFields(Order order) {
        return newObject()
                .put("order_id", order.orderId)
                .put("customer_id", order.customerId)
                .put("amount", order.amount.toPlainString())
                .put("currency", order.currency)
                .put("timestamp", instantText(order.timestamp));
    }
}
