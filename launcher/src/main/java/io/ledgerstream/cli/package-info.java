/**
 * The {@code ledgerstream} command (picocli): quick start, standalone, broker, bookie, Flink cluster, job
 * submission and the SQL client.
 */
package io.ledgerstream.cli;
