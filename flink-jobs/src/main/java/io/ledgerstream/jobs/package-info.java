/**
 * Event processors: Flink DataStream jobs that read topics through flink-connector-kafka, keep keyed state tables
 * in RocksDB and write topics. Each job takes its source and sink from outside, so tests and other deployments can
 * feed it from anywhere.
 */
package io.ledgerstream.jobs;
