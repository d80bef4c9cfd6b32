package io.ledgerstream.connectors.files.source;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.connectors.files.Csv;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

/**
 * CSV: the first non-blank line is the header naming the fields; each later non-blank line becomes a JSON object of
 * those fields with text values. A line with another number of columns, or with broken quoting, is a failed record;
 * so is every line of a file whose header is broken (duplicate or unreadable names).
 *
 * <p>Not thread-safe: remembers the header of the one file it decodes.
 */
final class CsvLineDecoder implements LineDecoder {
    private final String keyField;
    private final String file;
    private List<String> header;
    private String headerProblem;

    CsvLineDecoder(String keyField, String file) {
        this.keyField = keyField;
        this.file = file;
    }

    @Override
    public ConnectorRecord decode(long lineNumber, String line) {
        if (line.isBlank()) {
            return null;
        }
        String origin = LineDecoder.origin(file, lineNumber);
        byte[] raw = line.getBytes(StandardCharsets.UTF_8);
        if (header == null && headerProblem == null) {
            readHeader(lineNumber, line);
            return headerProblem == null ? null
                    : ConnectorRecord.failed(null, raw, origin, new BadRecordException(headerProblem));
        }
        try {
            if (headerProblem != null) {
                throw new BadRecordException(headerProblem);
            }
            ObjectNode row = row(line);
            return ConnectorRecord.of(RecordKeys.of(row, keyField), row.toString().getBytes(StandardCharsets.UTF_8),
                    Long.MIN_VALUE, origin);
        } catch (BadRecordException e) {
            return ConnectorRecord.failed(null, raw, origin, e);
        }
    }

    @Override
    public void skip(long lineNumber, String line) {
        if (header == null && headerProblem == null && !line.isBlank()) {
            readHeader(lineNumber, line);
        }
    }

    private ObjectNode row(String line) throws BadRecordException {
        List<String> cells = Csv.parse(line);
        if (cells.size() != header.size()) {
            throw new BadRecordException("has " + cells.size() + " columns where the header names " + header.size());
        }
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < cells.size(); i++) {
            row.put(header.get(i), cells.get(i));
        }
        return row;
    }

    private void readHeader(long lineNumber, String line) {
        try {
            List<String> names = Csv.parse(line).stream().map(String::trim).toList();
            if (new HashSet<>(names).size() != names.size() || names.contains("")) {
                throw new BadRecordException("names a field twice or has an empty name");
            }
            header = names;
        } catch (BadRecordException e) {
            headerProblem = "the header (line " + lineNumber + ") is not valid: " + e.getMessage();
        }
    }
}
