/**
 * Connectors: sources and sinks between topics and external systems, each declared in one YAML file
 * ({@link io.ledgerstream.connectors.ConnectorFile}) and run as a Flink job ({@link
 * io.ledgerstream.connectors.ConnectorJob}). {@code config} reads files, {@code runtime} builds the jobs, and one
 * package per external system holds its types: {@code postgres}, {@code jdbc}, {@code files}, {@code http}.
 */
package io.ledgerstream.connectors;
