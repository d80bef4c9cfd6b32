/**
 * What every connector shares: the record that flows through it, the source and sink contracts its types
 * implement, error tolerance with the dead-letter topic, metrics, and the Flink job around them.
 */
package io.ledgerstream.connectors.runtime;
