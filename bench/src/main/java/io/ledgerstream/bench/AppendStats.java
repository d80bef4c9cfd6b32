package io.ledgerstream.bench;

import java.util.Arrays;
import java.util.Locale;

/** Throughput and latency of one measured run of appends. */
record AppendStats(String name, int batches, long bytes, long elapsedNanos, long[] latencyNanos) {

    double megabytesPerSecond() {
        return bytes / (1024.0 * 1024.0) / (elapsedNanos / 1e9);
    }

    double batchesPerSecond() {
        return batches / (elapsedNanos / 1e9);
    }

    double percentileMillis(double p) {
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    String line() {
        return String.format(Locale.ROOT, "%-22s %9.1f MB/s %9.0f batches/s   p50 %7.2f ms   p99 %7.2f ms",
                name, megabytesPerSecond(), batchesPerSecond(), percentileMillis(50), percentileMillis(99));
    }
}
