/**
 * A local Flink cluster started from the stock Flink classpath, and job submission over Flink's REST API.
 */
package io.ledgerstream.cli.flink;
