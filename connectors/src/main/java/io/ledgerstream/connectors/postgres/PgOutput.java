package io.ledgerstream.connectors.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the messages of PostgreSQL's {@code pgoutput} logical decoding plugin, protocol version 1, as the
 * PostgreSQL manual's "Logical Replication Message Formats" chapter defines them. Relation messages are kept, since
 * row messages name their table by relation id only.
 *
 * <p>Not thread-safe: one replication stream feeds it.
 */
final class PgOutput {
    /** A message this connector acts on; others (origin, type, message) decode to null. */
    sealed interface Message permits Begin, Commit, Change, Truncate {
    }

    /** The start of a transaction: the LSN of its commit record, its commit time and id. */
    record Begin(long finalLsn, long commitMicros, long xid) implements Message {
    }

    /** The end of a transaction: {@code endLsn} is where a stream resumes after it. */
    record Commit(long commitLsn, long endLsn, long commitMicros) implements Message {
    }

    /**
     * One row change. {@code before} holds the old key (or the whole old row under REPLICA IDENTITY FULL) when the
     * server sends it; {@code after} the new row ({@code null} for a delete).
     */
    record Change(char op, Relation relation, Map<String, String> before, Map<String, String> after)
            implements Message {
    }

    /** A TRUNCATE of the given tables. */
    record Truncate(List<Relation> relations) implements Message {
    }

    /** A table as the stream describes it. */
    record Relation(int id, String schema, String table, List<Column> columns) {
        String qualifiedName() {
            return schema + "." + table;
        }
    }

    /** A column; {@code key} when it is part of the table's replica identity (by default the primary key). */
    record Column(String name, int typeOid, boolean key) {
    }

    private final Map<Integer, Relation> relations = new HashMap<>();

    /** Decodes one message; relation messages are remembered and return null, as do kinds not used here. */
    Message decode(ByteBuffer buffer) {
        char kind = (char) buffer.get();
        return switch (kind) {
            case 'B' -> new Begin(buffer.getLong(), buffer.getLong(), Integer.toUnsignedLong(buffer.getInt()));
            case 'C' -> {
                buffer.get(); // flags, unused
                yield new Commit(buffer.getLong(), buffer.getLong(), buffer.getLong());
            }
            case 'R' -> {
                relation(buffer);
                yield null;
            }
            case 'I' -> {
                Relation r = relation(buffer.getInt());
                expect(buffer, 'N');
                yield new Change('c', r, null, tuple(buffer, r));
            }
            case 'U' -> {
                Relation r = relation(buffer.getInt());
                Map<String, String> before = null;
                char next = (char) buffer.get();
                if (next == 'K' || next == 'O') {
                    before = tuple(buffer, r);
                    next = (char) buffer.get();
                }
                if (next != 'N') {
                    throw new IllegalStateException("pgoutput update without a new tuple ('" + next + "')");
                }
                yield new Change('u', r, before, tuple(buffer, r));
            }
            case 'D' -> {
                Relation r = relation(buffer.getInt());
                buffer.get(); // 'K' (key) or 'O' (old row)
                yield new Change('d', r, tuple(buffer, r), null);
            }
            case 'T' -> {
                int count = buffer.getInt();
                buffer.get(); // options
                List<Relation> truncated = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    truncated.add(relation(buffer.getInt()));
                }
                yield new Truncate(truncated);
            }
            default -> null; // 'O' origin, 'Y' type, 'M' message: nothing to do
        };
    }

    private void relation(ByteBuffer buffer) {
        int id = buffer.getInt();
        String schema = string(buffer);
        String table = string(buffer);
        buffer.get(); // replica identity setting
        int count = Short.toUnsignedInt(buffer.getShort());
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (buffer.get() & 1) != 0;
            String name = string(buffer);
            int type = buffer.getInt();
            buffer.getInt(); // type modifier
            columns.add(new Column(name, type, key));
        }
        relations.put(id, new Relation(id, schema, table, List.copyOf(columns)));
    }

    private Relation relation(int id) {
        Relation r = relations.get(id);
        if (r == null) {
            throw new IllegalStateException("pgoutput row for relation " + id + " before its relation message");
        }
        return r;
    }

    /**
     * A row: column name to its text value, null for SQL NULL. A value the server left out (an unchanged TOASTed
     * column of an update) is left out of the row too.
     */
    private static Map<String, String> tuple(ByteBuffer buffer, Relation relation) {
        int count = Short.toUnsignedInt(buffer.getShort());
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = relation.columns().get(i).name();
            char kind = (char) buffer.get();
            switch (kind) {
                case 'n' -> row.put(name, null);
                case 'u' -> {
                    // Unchanged and not sent: absent from the row.
                }
                case 't', 'b' -> {
                    byte[] bytes = new byte[buffer.getInt()];
                    buffer.get(bytes);
                    row.put(name, new String(bytes, StandardCharsets.UTF_8));
                }
                default -> throw new IllegalStateException("pgoutput tuple value of unknown kind '" + kind + "'");
            }
        }
        return row;
    }

    private static void expect(ByteBuffer buffer, char kind) {
        char actual = (char) buffer.get();
        if (actual != kind) {
            throw new IllegalStateException("pgoutput expected '" + kind + "' but read '" + actual + "'");
        }
    }

    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(bytes);
        buffer.get(); // the terminating zero
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
