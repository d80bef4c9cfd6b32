package io.ledgerstream.log.quota;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;

/**
 * A rate over sampled windows, measured as Kafka's quota sensors measure it: values are added to the current sample,
 * which a new one follows once it is a window old; the rate is the sum of the samples still within {@code samples}
 * windows of now, over the time they span, counted as at least {@code samples - 1} whole windows (so that the first
 * moments of a new sensor do not read as a huge rate).
 *
 * <p>Thread-safe: every method holds the instance's lock; a sensor is touched by one client's connections.
 */
@ThreadSafe
final class SampledRate {
    private final int samples;
    private final long windowMs;
    /** One more slot than samples, for the sample that started before the monitored span but overlaps it. */
    @GuardedBy("this")
    private final long[] starts;
    @GuardedBy("this")
    private final long[] lastEvents;
    @GuardedBy("this")
    private final double[] values;
    @GuardedBy("this")
    private int used;
    @GuardedBy("this")
    private int current;
    @GuardedBy("this")
    private long lastRecordMs;

    SampledRate(int samples, long windowMs) {
        this.samples = samples;
        this.windowMs = windowMs;
        this.starts = new long[samples + 1];
        this.lastEvents = new long[samples + 1];
        this.values = new double[samples + 1];
    }

    /** What a measure found: the rate per second and the span, in milliseconds, it was taken over. */
    record Measure(double perSecond, long spanMs) {
    }

    /** Adds {@code value} at {@code nowMs} and measures the rate including it. */
    synchronized Measure record(double value, long nowMs) {
        if (used == 0) {
            startSample(0, nowMs);
            used = 1;
        } else if (nowMs - starts[current] >= windowMs) {
            current = (current + 1) % (samples + 1);
            if (current >= used) {
                used++;
            }
            startSample(current, nowMs);
        }
        values[current] += value;
        lastEvents[current] = nowMs;
        lastRecordMs = nowMs;
        return measure(nowMs);
    }

    /** When a value was last recorded. */
    synchronized long lastRecordMs() {
        return lastRecordMs;
    }

    @GuardedBy("this")
    private Measure measure(long nowMs) {
        long expireAfter = samples * windowMs;
        double total = 0;
        long oldestStart = Long.MAX_VALUE;
        for (int i = 0; i < used; i++) {
            if (nowMs - lastEvents[i] >= expireAfter) {
                startSample(i, nowMs);
            }
            total += values[i];
            oldestStart = Math.min(oldestStart, starts[i]);
        }
        long span = nowMs - oldestStart;
        long wholeWindows = span / windowMs;
        if (wholeWindows < samples - 1) {
            span += (samples - 1 - wholeWindows) * windowMs;
        }
        span = Math.max(span, 1);
        return new Measure(total * 1000.0 / span, span);
    }

    @GuardedBy("this")
    private void startSample(int slot, long nowMs) {
        starts[slot] = nowMs;
        lastEvents[slot] = nowMs;
        values[slot] = 0;
    }
}
