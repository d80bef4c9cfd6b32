package io.ledgerstream.connectors.jdbc.source;

import java.io.Serializable;

/**
 * How far the source has read a table: the last timestamp and the last incrementing value emitted, as the
 * database's own text for them (so that nothing is lost to a conversion; bound back as parameters of unspecified
 * type, the database casts them to the columns' types). Null parts mean nothing read yet, or a column the mode does
 * not use.
 *
 * <p>Immutable.
 */
public record TablePosition(String timestamp, String incrementing) implements Serializable {
    /** Before the first row. */
    public static final TablePosition START = new TablePosition(null, null);

    public boolean isStart() {
        return timestamp == null && incrementing == null;
    }

    @Override
    public String toString() {
        if (isStart()) {
            return "the start";
        }
        return (timestamp == null ? "" : "timestamp " + timestamp) + (timestamp != null && incrementing != null
                ? ", " : "") + (incrementing == null ? "" : "id " + incrementing);
    }
}
