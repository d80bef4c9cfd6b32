package io.ledgerstream.jobs.enrichment;

import io.ledgerstream.jobs.Decimals;
import java.math.BigDecimal;
import java.util.Objects;

/** An order event: who ordered, how much, when (event time, epoch milliseconds). A Flink POJO. */
public class Order {
    public String orderId;
    public String customerId;
    public BigDecimal amount;
    public String currency;
    public long timestamp;

    public Order() {
    }

    public Order(String orderId, String customerId, BigDecimal amount, String currency, long timestamp) {
        this.orderId = orderId;
        this.customerId = customerId;
        this.amount = amount;
        this.currency = currency;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Order other && timestamp == other.timestamp && Objects.equals(orderId, other.orderId)
                && Objects.equals(customerId, other.customerId) && Objects.equals(currency, other.currency)
                && Decimals.sameValue(amount, other.amount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, customerId, currency, timestamp);
    }

    @Override
    public String toString() {
        return "Order{" + orderId + ", " + customerId + ", " + amount + " " + currency + " @" + timestamp + "}";
    }
}
