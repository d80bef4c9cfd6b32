package io.ledgerstream.connectors.jdbc;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Which SQL errors are worth a retry after reconnecting, in one place: lost or refused connections (SQLState class
 * 08), serialization failures and deadlocks (40001, 40P01), insufficient resources (class 53), a server shutting
 * down or starting (57P), and I/O errors under the driver. Everything else (a missing column, a constraint, bad
 * data) fails the same way every time.
 */
public final class SqlErrors {
    /** How far down a chain of causes to look; chains can loop. */
    private static final int MAX_CHAIN = 16;

    private SqlErrors() {
    }

    /** Whether {@code e}, or any exception it chains to, is transient. */
    public static boolean isTransient(SQLException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_CHAIN; depth++, t = next(t)) {
            if (t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && isTransientState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Whether an SQLState names a transient condition. */
    public static boolean isTransientState(String state) {
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("53")
                || state.startsWith("57P");
    }

    /** The error in words with its SQLState, preferring the driver's chained detail of a failed batch. */
    public static String describe(SQLException e) {
        SQLException detail = e.getNextException() != null ? e.getNextException() : e;
        String state = detail.getSQLState() == null ? "" : " (SQLState " + detail.getSQLState() + ")";
        return detail.getMessage() + state;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql && sql.getNextException() != null && sql.getNextException() != t) {
            return sql.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
