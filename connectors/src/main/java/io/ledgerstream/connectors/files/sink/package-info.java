/**
 * The files sink: records' JSON values as lines (JSON lines or CSV) in Flink's {@code FileSink}, whose part files
 * roll by size and age and are committed at checkpoints, exactly once.
 */
package io.ledgerstream.connectors.files.sink;
