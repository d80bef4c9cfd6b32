/**
 * The fetch-sessions benchmark: one consumer of many partitions fed a trickle of records, with what its fetches
 * cost on the wire and in the broker's CPU.
 */
package io.ledgerstream.bench.fetch;
