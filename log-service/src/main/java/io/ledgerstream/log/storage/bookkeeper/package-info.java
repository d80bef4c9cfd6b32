/**
 * {@link io.ledgerstream.log.partition.PartitionLog} on BookKeeper ledgers: the append pipeline, the segment chain
 * and its metadata, producer-state recovery, compaction and reads. With its subpackages, the only code that uses
 * BookKeeper.
 */
package io.ledgerstream.log.storage.bookkeeper;
