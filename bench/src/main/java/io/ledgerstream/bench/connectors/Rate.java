package io.ledgerstream.bench.connectors;

/**
 * One throughput measurement: rows over the seconds they took, and, for a connector, the seconds from its job's
 * submission to the start of that span (not counted in the rate).
 */
record Rate(long rows, double seconds, double startupSeconds) {
    static Rate between(long rows, long startNanos, long endNanos, long submittedNanos) {
        return new Rate(rows, (endNanos - startNanos) / 1e9, (startNanos - submittedNanos) / 1e9);
    }

    double perSecond() {
        return rows / seconds;
    }
}
