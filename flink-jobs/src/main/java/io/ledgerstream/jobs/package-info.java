/**
 * Event processors: Flink DataStream jobs that read topics through flink-connector-kafka, keep keyed state tables
 * in RocksDB and write topics. Empty until the event-processor work lands; the module exists so the build layout
 * is final.
 */
package io.ledgerstream.jobs;
