package io.ledgerstream.connectors.files.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.nio.charset.StandardCharsets;

/**
 * JSON lines: each non-blank line is one JSON object, which becomes the record's value as compact JSON. A line that
 * is not one JSON object is a failed record.
 *
 * <p>Stateless; confined to one reader thread like every decoder.
 */
final class JsonLineDecoder implements LineDecoder {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String keyField;
    private final String file;

    JsonLineDecoder(String keyField, String file) {
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
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return ConnectorRecord.failed(null, raw, origin,
                    new BadRecordException("is not JSON: " + e.getOriginalMessage(), e));
        }
        if (!(node instanceof ObjectNode object)) {
            return ConnectorRecord.failed(null, raw, origin,
                    new BadRecordException("is JSON but not an object (" + node.getNodeType() + ")"));
        }
        return ConnectorRecord.of(RecordKeys.of(object, keyField), object.toString().getBytes(StandardCharsets.UTF_8),
                Long.MIN_VALUE, origin);
    }
}
