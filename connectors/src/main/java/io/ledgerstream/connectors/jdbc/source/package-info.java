/**
 * The {@code jdbc} polling source: one split per table ({@link io.ledgerstream.connectors.jdbc.source.TableSplit})
 * whose position (the last incrementing value, or the last timestamp and id) is checkpointed; a fetcher thread
 * polls for rows after the position ({@link io.ledgerstream.connectors.jdbc.source.TablePoller}), and each row
 * becomes a JSON record ({@link io.ledgerstream.connectors.jdbc.source.RowRecords}). It sees new rows only: not
 * deletes, and in incrementing mode not updates.
 */
package io.ledgerstream.connectors.jdbc.source;
