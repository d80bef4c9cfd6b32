package io.ledgerstream.connectors.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerstream.connectors.postgres.PgOutput.Column;
import io.ledgerstream.connectors.postgres.PgOutput.Relation;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
    private static final JsonFactory FACTORY = new JsonFactory();
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
        if (op == 'u' && before != null && !keyText(relation, before).equals(keyText(relation, after))) {
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
        byte[] key = json(g -> writeRow(g, relation, keyRow, true));
        String origin = relation.qualifiedName() + (position.snapshot() ? " snapshot" : " at LSN "
                + LogSequenceNumber.valueOf(position.lsn()).asString());
        long time = position.epochMillis();
        boolean row = settings.envelope().equals("row");
        if (!(row && op == 'd')) {
            byte[] value = row ? json(g -> writeRow(g, relation, after, false))
                    : json(g -> writeEnvelope(g, op, relation, before, after, position));
            out.add(ConnectorRecord.of(key, value, time, origin));
        }
        if (op == 'd' && (settings.tombstones() || row)) {
            out.add(ConnectorRecord.of(key, null, time, origin));
        }
    }

    private void writeEnvelope(JsonGenerator g, char op, Relation relation, Map<String, String> before,
                               Map<String, String> after, Position position) throws IOException {
        g.writeStartObject();
        g.writeFieldName("before");
        writeRowOrNull(g, relation, before);
        g.writeFieldName("after");
        writeRowOrNull(g, relation, after);
        g.writeStringField("op", String.valueOf(op));
        g.writeObjectFieldStart("source");
        g.writeStringField("connector", connector);
        g.writeStringField("db", settings.database());
        g.writeStringField("schema", relation.schema());
        g.writeStringField("table", relation.table());
        g.writeNumberField("lsn", position.lsn());
        g.writeNumberField("tx_id", position.xid());
        g.writeBooleanField("snapshot", position.snapshot());
        g.writeEndObject();
        g.writeNumberField("ts_ms", position.epochMillis());
        g.writeEndObject();
    }

    private static void writeRowOrNull(JsonGenerator g, Relation relation, Map<String, String> values)
            throws IOException {
        if (values == null) {
            g.writeNull();
        } else {
            writeRow(g, relation, values, false);
        }
    }

    /** The row's columns (only the key's, when {@code keyOnly}), in table order; columns not sent left out. */
    private static void writeRow(JsonGenerator g, Relation relation, Map<String, String> values, boolean keyOnly)
            throws IOException {
        g.writeStartObject();
        for (Column c : relation.columns()) {
            if ((!keyOnly || c.key()) && (keyOnly || values.containsKey(c.name()))) {
                g.writeFieldName(c.name());
                PgValues.write(g, values.get(c.name()), c.typeOid());
            }
        }
        g.writeEndObject();
    }

    private static List<String> keyText(Relation relation, Map<String, String> row) {
        List<String> key = new ArrayList<>();
        for (Column c : relation.columns()) {
            if (c.key()) {
                key.add(row.get(c.name()));
            }
        }
        return key;
    }

    /** Something written to a generator. */
    @FunctionalInterface
    private interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writing writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writing.to(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
