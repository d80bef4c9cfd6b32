/**
 * Table API and SQL: a Flink catalog showing topics as tables, and projection tables kept current from change
 * events. Empty until the projection-table work lands.
 */
package io.ledgerstream.table;
