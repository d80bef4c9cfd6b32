package io.ledgerstream.connectors.files.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The key of a record read from a file: the text of its {@code key-field} in UTF-8, or none. */
final class RecordKeys {
    private RecordKeys() {
    }

    /**
     * @param keyField the field named by {@code key-field}, or null for records without a key
     * @return the field's text (a nested object or array as compact JSON), or null when there is no key field or the
     *     record lacks it or holds null there
     */
    static byte[] of(ObjectNode value, String keyField) {
        if (keyField == null) {
            return null;
        }
        JsonNode field = value.get(keyField);
        if (field == null || field.isNull()) {
            return null;
        }
        String text = field.isValueNode() ? field.asText() : field.toString();
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
