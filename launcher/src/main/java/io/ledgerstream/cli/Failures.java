package io.ledgerstream.cli;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns an exception chain into one line a user can act on. */
final class Failures {
    private Failures() {
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
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
