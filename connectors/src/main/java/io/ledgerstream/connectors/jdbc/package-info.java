/**
 * The {@code jdbc} connector type: a sink that upserts and deletes table rows ({@code sink}) and a source that
 * polls a table for new rows ({@code source}), PostgreSQL first. What both share is here: where the database is,
 * table names, and which SQL errors are worth a retry.
 */
package io.ledgerstream.connectors.jdbc;
