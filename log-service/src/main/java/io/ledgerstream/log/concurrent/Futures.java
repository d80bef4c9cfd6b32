package io.ledgerstream.log.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What every asynchronous caller needs of a failed future: the failure itself, not its wrappers. */
public final class Futures {
    private Futures() {
    }

    /** The cause a {@link CompletionException} or {@link ExecutionException} wraps (through any depth), else itself. */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
