package io.ledgerstream.connectors.files.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.connectors.files.Csv;
import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.runtime.BadRecordException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A record's value as one line of a file: the JSON object itself in compact form (JSON lines), or its fields in the
 * order {@code fields} names them (CSV: text as is, numbers and booleans as JSON writes them, a nested object or
 * array as compact JSON, a missing or null field as an empty cell; other fields are left out).
 *
 * <p>Immutable and serializable; the shared JSON reader is thread-safe.
 */
final class RowLines implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final FileFormat format;
    private final List<String> fields;

    /** @param fields the CSV columns in order; ignored for JSON lines */
    RowLines(FileFormat format, List<String> fields) {
        this.format = format;
        this.fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /**
     * The line for a value (without its line break).
     *
     * @throws BadRecordException when the value is not a JSON object
     */
    String line(byte[] value) throws BadRecordException {
        ObjectNode object = object(value);
        if (format == FileFormat.JSON_LINES) {
            return object.toString();
        }
        List<String> cells = new ArrayList<>(fields.size());
        for (String field : fields) {
            JsonNode node = object.get(field);
            if (node == null || node.isNull()) {
                cells.add("");
            } else {
                cells.add(node.isValueNode() ? node.asText() : node.toString());
            }
        }
        return Csv.format(cells);
    }

    private static ObjectNode object(byte[] value) throws BadRecordException {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new BadRecordException("The value is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadRecordException("The value could not be read: " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRecordException("The value is JSON but not an object ("
                    + (node == null || node.isMissingNode() ? "empty" : node.getNodeType()) + ")");
        }
        return object;
    }
}
