package io.ledgerstream.connectors.files.source;

import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.runtime.ConnectorRecord;

/**
 * Turns the lines of one file into records, in order: a good record, a failed one (origin {@code file F line N}), or
 * nothing for a line that is no record (a blank line, a CSV header).
 *
 * <p>Not thread-safe: one reader thread reads a file, and a CSV decoder remembers the header.
 */
interface LineDecoder {
    /**
     * Decodes one line.
     *
     * @param lineNumber the line's number in the file, from 1
     * @return the record, or null for a line that is no record
     */
    ConnectorRecord decode(long lineNumber, String line);

    /** Takes a line that was read before a restore and is not decoded again (a CSV decoder keeps its header). */
    default void skip(long lineNumber, String line) {
    }

    /** The decoder for one file. */
    static LineDecoder create(FileFormat format, String keyField, String file) {
        return switch (format) {
            case JSON_LINES -> new JsonLineDecoder(keyField, file);
            case CSV -> new CsvLineDecoder(keyField, file);
        };
    }

    /** The origin of a line, as failed records and logs name it. */
    static String origin(String file, long lineNumber) {
        return "file " + file + " line " + lineNumber;
    }
}
