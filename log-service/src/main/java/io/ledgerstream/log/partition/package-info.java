/**
 * The partition log as the rest of the broker sees it: the {@link io.ledgerstream.log.partition.PartitionLog}
 * interface, batch validation, the tail cache, idempotent producer state and typed errors; nothing here knows
 * how a log is stored.
 */
package io.ledgerstream.log.partition;
