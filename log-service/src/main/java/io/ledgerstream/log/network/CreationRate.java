package io.ledgerstream.log.network;

/**
 * A limit of {@code max.connection.creation.rate}: a bucket of one second's worth of connections, refilled at the
 * rate. A connection taken from an empty bucket is owed: it waits until the bucket would have refilled for it, so
 * connections beyond a burst are accepted at the rate.
 *
 * <p>Not thread-safe: {@link ConnectionQuotas} calls it only under its own lock.
 */
final class CreationRate {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;
    private double tokens;
    private long refilledAtNanos;

    /** At most {@code perSecond} connections a second, {@code nowNanos} the time on the quotas' clock. */
    CreationRate(int perSecond, long nowNanos) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.refilledAtNanos = nowNanos;
    }

    /** Whether the rate limits anything ({@link Integer#MAX_VALUE} is Kafka's "no limit"). */
    static boolean limits(int perSecond) {
        return perSecond < Integer.MAX_VALUE;
    }

    /** Records one connection at {@code nowNanos}: how long it waits before it is accepted, 0 if not at all. */
    long record(long nowNanos) {
        tokens = Math.min(perSecond, tokens + (nowNanos - refilledAtNanos) * perSecond / NANOS_PER_SECOND);
        refilledAtNanos = nowNanos;
        tokens -= 1;
        if (tokens >= 0) {
            return 0;
        }
        if (perSecond == 0) {
            // Kafka's 0 lets nothing in; wait a second and look again.
            tokens = 0;
            return NANOS_PER_SECOND;
        }
        return (long) Math.ceil(-tokens * NANOS_PER_SECOND / perSecond);
    }
}
