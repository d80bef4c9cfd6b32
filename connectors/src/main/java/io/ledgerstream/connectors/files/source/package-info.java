/**
 * The files source: Flink's {@code FileSource} watching a folder, with a line format of our own that turns each line
 * of a file into a record (or a failed record naming the file and line) and checkpoints its position as a line count.
 */
package io.ledgerstream.connectors.files.source;
