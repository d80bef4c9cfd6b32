/**
 * Connectors: sources and sinks between topics and external systems, described by config files and run as Flink
 * jobs. Empty until the connector work lands.
 */
package io.ledgerstream.connectors;
