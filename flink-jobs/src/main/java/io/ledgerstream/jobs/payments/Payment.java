package io.ledgerstream.jobs.payments;

import io.ledgerstream.jobs.Decimals;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A payment event as it arrives on the payments topic. A Flink POJO: public fields and a no-argument constructor,
 * so Flink serializes it without Kryo.
 */
public class Payment {
    public String paymentId;
    public String customerId;
    public BigDecimal amount;
    public String currency;
    /** Event time, epoch milliseconds. */
    public long timestamp;

    public Payment() {
    }

    public Payment(String paymentId, String customerId, BigDecimal amount, String currency, long timestamp) {
        this.paymentId = paymentId;
        this.customerId = customerId;
        this.amount = amount;
        this.currency = currency;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Payment p && timestamp == p.timestamp && Objects.equals(paymentId, p.paymentId)
                && Objects.equals(customerId, p.customerId) && Objects.equals(currency, p.currency)
                && Decimals.sameValue(amount, p.amount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(paymentId, customerId, currency, timestamp);
    }

    @Override
    public String toString() {
        return "Payment{" + paymentId + ", " + customerId + ", " + amount + " " + currency + " @" + timestamp + "}";
    }
}
