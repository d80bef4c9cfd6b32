package io.ledgerstream.jobs.payments;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * An endless, reproducible stream of made-up payments for trying the processor out: customers {@code c-000} to
 * {@code c-(n-1)}, each always paying in its own currency, amounts from 1.00 to 500.00, event times 10 ms apart.
 *
 * <p>Not thread-safe: one feeder iterates it.
 */
public final class SamplePayments implements Iterator<Payment> {
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};

    private final SplittableRandom random;
    private final int customers;
    private final String idPrefix;
    private final long startMillis;
    private long sequence;

    /** @param idPrefix makes payment ids unique across runs (e.g. the run's start time) */
    public SamplePayments(long seed, int customers, String idPrefix, long startMillis) {
        this.random = new SplittableRandom(seed);
        this.customers = customers;
        this.idPrefix = idPrefix;
        this.startMillis = startMillis;
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public Payment next() {
        int customer = random.nextInt(customers);
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(100, 50_001), 2);
        long n = sequence++;
        return new Payment(idPrefix + "-" + n, String.format("c-%03d", customer), amount,
                CURRENCIES[customer % CURRENCIES.length], startMillis + n * 10);
    }
}
