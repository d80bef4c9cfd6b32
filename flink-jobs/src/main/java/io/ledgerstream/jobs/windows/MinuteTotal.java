package io.ledgerstream.jobs.windows;

import io.ledgerstream.jobs.Decimals;
import java.math.BigDecimal;
import java.util.Objects;

/** The payments of one currency in one minute of event time: how many, and their sum. A Flink POJO. */
public class MinuteTotal {
    public String currency;
    /** Start of the minute (inclusive), epoch milliseconds. */
    public long windowStart;
    /** End of the minute (exclusive), epoch milliseconds. */
    public long windowEnd;
    public long payments;
    public BigDecimal total;

    public MinuteTotal() {
    }

    public MinuteTotal(String currency, long windowStart, long windowEnd, long payments, BigDecimal total) {
        this.currency = currency;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.payments = payments;
        this.total = total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MinuteTotal m && windowStart == m.windowStart && windowEnd == m.windowEnd
                && payments == m.payments && Objects.equals(currency, m.currency)
                && Decimals.sameValue(total, m.total);
    }

    @Override
    public int hashCode() {
        return Objects.hash(currency, windowStart, windowEnd, payments);
    }

    @Override
    public String toString() {
        return "MinuteTotal{" + currency + " [" + windowStart + ", " + windowEnd + "): " + payments + ", " + total + "}";
    }
}
