package io.ledgerstream.jobs.enrichment;

import java.util.Objects;

/**
 * The latest record of a customer from the customers topic, or its deletion (a tombstone: the key with no value).
 * A Flink POJO.
 */
public class CustomerRecord {
    public String customerId;
    public String name;
    public String tier;
    public String country;
    public boolean deleted;

    public CustomerRecord() {
    }

    public CustomerRecord(String customerId, String name, String tier, String country) {
        this.customerId = customerId;
        this.name = name;
        this.tier = tier;
        this.country = country;
    }

    public static CustomerRecord deletion(String customerId) {
        CustomerRecord record = new CustomerRecord(customerId, null, null, null);
        record.deleted = true;
        return record;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomerRecord c && deleted == c.deleted && Objects.equals(customerId, c.customerId)
                && Objects.equals(name, c.name) && Objects.equals(tier, c.tier) && Objects.equals(country, c.country);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, name, tier, country, deleted);
    }

    @Override
    public String toString() {
        return deleted ? "CustomerRecord{" + customerId + " deleted}"
                : "CustomerRecord{" + customerId + ", " + name + ", " + tier + ", " + country + "}";
    }
}
