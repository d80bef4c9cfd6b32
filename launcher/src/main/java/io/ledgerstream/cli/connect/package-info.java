/**
 * {@code ledgerstream connect}: runs connector files as Flink jobs (on an embedded local Flink, or on a cluster),
 * and lists, shows, stops and deletes them through Flink's REST API.
 */
package io.ledgerstream.cli.connect;
