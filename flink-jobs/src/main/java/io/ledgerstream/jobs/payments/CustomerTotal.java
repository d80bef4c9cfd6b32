package io.ledgerstream.jobs.payments;

import io.ledgerstream.jobs.Decimals;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * One row of the payments state table: a customer's number of payments and their total, in the customer's currency.
 * Emitted as an upsert keyed by customer id every time it changes.
 */
public class CustomerTotal {
    public String customerId;
    public String currency;
    public long payments;
    public BigDecimal total;
    /** Event time of the last payment counted, epoch milliseconds. */
    public long updatedAt;

    public CustomerTotal() {
    }

    public CustomerTotal(String customerId, String currency, long payments, BigDecimal total, long updatedAt) {
        this.customerId = customerId;
        this.currency = currency;
        this.payments = payments;
        this.total = total;
        this.updatedAt = updatedAt;
    }

    /** The row of a customer's first payment. */
    public static CustomerTotal first(Payment payment) {
        return new CustomerTotal(payment.customerId, payment.currency, 1, payment.amount, payment.timestamp);
    }

    /** This row with one more payment counted. */
    public CustomerTotal plus(Payment payment) {
        return new CustomerTotal(customerId, currency, payments + 1, total.add(payment.amount),
                Math.max(updatedAt, payment.timestamp));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomerTotal t && payments == t.payments && updatedAt == t.updatedAt
                && Objects.equals(customerId, t.customerId) && Objects.equals(currency, t.currency)
                && Decimals.sameValue(total, t.total);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, currency, payments, updatedAt);
    }

    @Override
    public String toString() {
        return "CustomerTotal{" + customerId + ": " + payments + " payments, " + total + " " + currency + "}";
    }
}
