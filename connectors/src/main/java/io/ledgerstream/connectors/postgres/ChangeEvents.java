package io.ledgerstream.connectors.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.connectors.postgres.PgOutput.Column;
import io.ledgerstream.connectors.postgres.PgOutput.Relation;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Turns row changes into records keyed by the table's primary key. The value is a change event, {@code {"before":
 * ..., "after": ..., "op": "c|u|d|r", "source": {...}, "ts_ms": ...}} (ops as Debezium's: create, update, delete,
 * read by the snapshot), or under the {@code row} envelope just the row after the change. A delete is followed by a
 * tombstone (unless turned off), and an update that changes the key is a delete of the old key and a create of the
 * new one, so that compacted topics and upsert tables follow.
 */
final class ChangeEvents implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
    private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

    private final String connector;
    private final CdcSettings settings;

    ChangeEvents(String connector, CdcSettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    /** Where a transaction is, for the source block and the record's origin. */
    record Position(long lsn, long xid, long commitMicros, boolean snapshot) {
        long epochMillis() {
            return (commitMicros + POSTGRES_EPOCH_MICROS) / 1000;
        }
    }

    /** The records for one row change. */
    List<ConnectorRecord> records(char op, Relation relation, Map<String, String> before, Map<String, String> after,
                                  Position position) {
        List<ConnectorRecord> out = new ArrayList<>(3);
        if (op == 'u' && before != null && !key(relation, before).equals(key(relation, after))) {
            add(out, 'd', relation, before, null, position);
            add(out, 'c', relation, null, after, position);
        } else {
            add(out, op, relation, before, after, position);
        }
        return out;
    }

    private void add(List<ConnectorRecord> out, char op, Relation relation, Map<String, String> before,
                     Map<String, String> after, Position position) {
        Map<String, String> keyRow = after != null ? after : before;
        byte[] key = bytes(key(relation, keyRow));
        String origin = relation.qualifiedName() + (position.snapshot() ? " snapshot" : " at LSN "
                + LogSequenceNumber.valueOf(position.lsn()).asString());
        long time = position.epochMillis();
        boolean row = settings.envelope().equals("row");
        if (!(row && op == 'd')) {
            JsonNode value = row ? row(relation, after) : envelope(op, relation, before, after, position);
            out.add(ConnectorRecord.of(key, bytes(value), time, origin));
        }
        if (op == 'd' && (settings.tombstones() || row)) {
            out.add(ConnectorRecord.of(key, null, time, origin));
        }
    }

    private ObjectNode envelope(char op, Relation relation, Map<String, String> before, Map<String, String> after,
                                Position position) {
        ObjectNode event = JSON.createObjectNode();
        event.set("before", before == null ? null : row(relation, before));
        event.set("after", after == null ? null : row(relation, after));
        event.put("op", String.valueOf(op));
        ObjectNode source = event.putObject("source");
        source.put("connector", connector);
        source.put("db", settings.database());
        source.put("schema", relation.schema());
        source.put("table", relation.table());
        source.put("lsn", position.lsn());
        source.put("tx_id", position.xid());
        source.put("snapshot", position.snapshot());
        event.put("ts_ms", position.epochMillis());
        return event;
    }

    private static ObjectNode key(Relation relation, Map<String, String> row) {
        ObjectNode key = JSON.createObjectNode();
        for (Column c : relation.columns()) {
            if (c.key()) {
                key.set(c.name(), PgValues.toJson(row.get(c.name()), c.typeOid()));
            }
        }
        return key;
    }

    private static ObjectNode row(Relation relation, Map<String, String> values) {
        ObjectNode row = JSON.createObjectNode();
        for (Column c : relation.columns()) {
            if (values.containsKey(c.name())) {
                row.set(c.name(), PgValues.toJson(values.get(c.name()), c.typeOid()));
            }
        }
        return row;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
