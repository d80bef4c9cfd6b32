package io.ledgerstream.connectors.jdbc;

import io.ledgerstream.connectors.config.Settings;
import java.io.Serializable;

/**
 * A table's name, optionally schema-qualified ({@code orders} or {@code shop.orders}), and SQL quoting for it and
 * for column names. Every name is quoted in SQL, so names are case-sensitive and a column name taken from a
 * record's field can never be read as SQL.
 *
 * <p>Immutable.
 *
 * @param schema the schema, or null for the connection's search path
 */
public record TableName(String schema, String table) implements Serializable {

    /** The block's required {@code table} key, parsed; a bad name is the key's problem. */
    public static TableName read(Settings block) {
        try {
            return parse(block.string("table"));
        } catch (IllegalArgumentException e) {
            throw block.problem("table", e.getMessage());
        }
    }

    /**
     * Parses {@code table} or {@code schema.table}; a part may be written in double quotes when it holds a dot.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static TableName parse(String text) {
        String s = text.trim();
        int dot = splitPoint(s);
        TableName name = dot < 0 ? new TableName(null, unquote(s)) : new TableName(unquote(s.substring(0, dot)),
                unquote(s.substring(dot + 1)));
        if (name.table.isEmpty() || (name.schema != null && name.schema.isEmpty())) {
            throw new IllegalArgumentException("must be TABLE or SCHEMA.TABLE, not '" + text + "'");
        }
        return name;
    }

    /** The quoted, possibly qualified name for SQL: {@code "shop"."orders"}. */
    public String sql() {
        return schema == null ? quote(table) : quote(schema) + "." + quote(table);
    }

    /** A name in double quotes, inner quotes doubled, as SQL requires. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }

    private static int splitPoint(String s) {
        boolean quoted = false;
        int found = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                if (found >= 0) {
                    throw new IllegalArgumentException("must be TABLE or SCHEMA.TABLE, not '" + s + "'");
                }
                found = i;
            }
        }
        return found;
    }

    private static String unquote(String part) {
        String p = part.trim();
        if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
            return p.substring(1, p.length() - 1).replace("\"\"", "\"");
        }
        if (p.contains("\"")) {
            throw new IllegalArgumentException("has a stray double quote in '" + part
                    + "'");
        }
        return p;
    }
}
