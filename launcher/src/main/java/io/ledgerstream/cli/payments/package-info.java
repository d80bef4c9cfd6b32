/**
 * The quick start's main job end to end: payments fed in, the processor run, its state table shown and audited.
 */
package io.ledgerstream.cli.payments;
