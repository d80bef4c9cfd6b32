/**
 * The {@code files} connector type: a source that reads each file dropped into a folder once (JSON lines or CSV), and
 * a sink that writes records to rolling part files, committed at checkpoints. {@code source} and {@code sink} hold
 * the Flink parts; this package holds the type, the formats and CSV text.
 */
package io.ledgerstream.connectors.files;
