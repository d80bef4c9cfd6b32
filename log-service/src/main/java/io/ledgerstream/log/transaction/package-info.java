/**
 * The transaction coordinator: Kafka transactions' state per transactional id, durable in the internal compacted
 * topic {@code __transaction_state}, and the markers that commit or abort a transaction in its partitions. Sits
 * beside the group coordinator; partition logs keep the other half (open transactions, the last stable offset, the
 * aborted-transaction index).
 */
package io.ledgerstream.log.transaction;
