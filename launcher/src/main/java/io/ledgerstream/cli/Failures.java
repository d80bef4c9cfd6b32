package io.ledgerstream.cli;

import io.ledgerstream.log.concurrent.Futures;

/** Turns an exception chain into one line a user can act on. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        Throwable t = Futures.unwrap(e);
        StringBuilder line = new StringBuilder(message(t));
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t && !line.toString().contains(message(root))) {
            line.append(" (caused by ").append(message(root)).append(')');
        }
        return line.toString();
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
