package io.ledgerstream.log.metrics;

/** Whether a broker serves, as {@code /ready} answers it. */
@FunctionalInterface
public interface Readiness {
    /** Why the broker does not serve now, in one line; null when it does. */
    String notReadyBecause();
}
