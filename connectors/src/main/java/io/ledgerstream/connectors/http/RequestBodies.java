package io.ledgerstream.connectors.http;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The body of one POST: with a batch size of 1 the record's JSON value itself, otherwise a JSON array of the values.
 * Values are compact JSON already (the sink's decode checked and compacted them), so they are joined, not parsed.
 */
final class RequestBodies {
    private RequestBodies() {
    }

    static byte[] of(List<ConnectorRecord> records, boolean asArray) {
        if (!asArray) {
            if (records.size() != 1) {
                throw new IllegalArgumentException("One record per request, not " + records.size());
            }
            return records.get(0).value;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('[');
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(records.get(i).value);
        }
        body.write(']');
        return body.toByteArray();
    }
}
