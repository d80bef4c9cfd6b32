package io.ledgerstream.jobs;

import java.math.BigDecimal;

/** Equality of amounts by value, as the events' {@code equals} need it: 12.5 and 12.50 are the same amount. */
public final class Decimals {
    private Decimals() {
    }

    public static boolean sameValue(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
