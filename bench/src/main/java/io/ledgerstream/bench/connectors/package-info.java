/**
 * The connectors against PostgreSQL's own ceiling: postgres-cdc against {@code pg_recvlogical}, the jdbc sink
 * against one JDBC client's batched upserts, and the latency of both in a row, run by bench/connectors.sh.
 */
package io.ledgerstream.bench.connectors;
