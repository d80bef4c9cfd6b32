package io.ledgerstream.jobs.enrichment;

import java.util.Objects;

/**
 * An order with what was known of its customer when it was enriched; {@code customer} is null when no customer
 * record arrived within the wait (unknown or deleted customer). A Flink POJO.
 */
public class EnrichedOrder {
    public Order order;
    public CustomerRecord customer;

    public EnrichedOrder() {
    }

    public EnrichedOrder(Order order, CustomerRecord customer) {
        this.order = order;
        this.customer = customer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrichedOrder e && Objects.equals(order, e.order) && Objects.equals(customer, e.customer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(order, customer);
    }

    @Override
    public String toString() {
        return "EnrichedOrder{" + order + " with " + customer + "}";
    }
}
