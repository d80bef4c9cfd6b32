/**
 * The logs of one broker: those of the partitions it leads, opened and closed as leadership moves; topic
 * administration (create, delete, configs, partitions); and the retention, compaction and producer-expiry
 * schedules.
 */
package io.ledgerstream.log.manager;
