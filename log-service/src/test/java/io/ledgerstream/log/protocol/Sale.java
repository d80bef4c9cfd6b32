package io.ledgerstream.log.protocol;

/** A sale of {@code amount} at {@code shop}, made {@code atMs} after a test's start time. */
record Sale(String shop, long amount, long atMs) {
}
