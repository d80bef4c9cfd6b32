package io.ledgerstream.connectors.jdbc.sink;

import java.util.Arrays;
import java.util.Objects;

/**
 * One change to one row, decoded from a topic record: an upsert of some columns, or a delete by primary key.
 * Values are text as the record gave them (JSON numbers, strings and booleans as written, nested JSON as JSON
 * text, null as SQL NULL); PostgreSQL casts each to its column's type. A Flink POJO: public fields and a
 * no-argument constructor.
 */
public class RowChange {
    /** The primary-key values, in the order of the sink's {@code primary-key}. */
    public String[] key;
    /** The columns an upsert sets (the primary key first), or null for a delete. */
    public String[] columns;
    /** The values of {@link #columns}, in the same order; null for a delete. */
    public String[] values;

    public RowChange() {
    }

    public static RowChange upsert(String[] key, String[] columns, String[] values) {
        RowChange c = new RowChange();
        c.key = key;
        c.columns = columns;
        c.values = values;
        return c;
    }

    public static RowChange delete(String[] key) {
        RowChange c = new RowChange();
        c.key = key;
        return c;
    }

    public boolean isDelete() {
        return columns == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowChange c && Arrays.equals(c.key, key) && Arrays.equals(c.columns, columns)
                && Arrays.equals(c.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(columns), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return isDelete() ? "delete " + Arrays.toString(key) : "upsert " + Arrays.toString(columns) + " = "
                + Arrays.toString(values);
    }
}
