/**
 * The {@code jdbc} sink: topic records decoded into row changes ({@link
 * io.ledgerstream.connectors.jdbc.sink.RowChangeDecoder}), merged per primary key in a batch ({@link
 * io.ledgerstream.connectors.jdbc.sink.ChangeBatch}) and written as upserts and deletes in one transaction per
 * batch ({@link io.ledgerstream.connectors.jdbc.sink.TableWriter}), with retries on transient errors ({@link
 * io.ledgerstream.connectors.jdbc.sink.Retrier}). Every checkpoint flushes first, so records are written at least
 * once, and the idempotent upserts make the table right after any replay.
 */
package io.ledgerstream.connectors.jdbc.sink;
