/**
 * Topics as tables for Flink's Table API and SQL: a catalog that lists, creates, describes and drops topics with
 * their schemas kept in the log's metadata, tables with a primary key read and written as upsert changelogs.
 */
package io.ledgerstream.table;
