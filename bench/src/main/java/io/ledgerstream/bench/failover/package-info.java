/**
 * Failover and fault runs against clusters of broker processes, ours and Kafka's.
 */
package io.ledgerstream.bench.failover;
