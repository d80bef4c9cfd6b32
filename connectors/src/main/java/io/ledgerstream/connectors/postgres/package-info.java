/**
 * PostgreSQL change data capture: the {@code postgres-cdc} source reads row changes through a logical replication
 * slot with the {@code pgoutput} plugin (pgjdbc's replication API), after a consistent snapshot, and confirms its
 * position to the slot only when a Flink checkpoint holding it completes.
 */
package io.ledgerstream.connectors.postgres;
