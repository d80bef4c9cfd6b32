package io.ledgerstream.log.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What every asynchronous caller needs of futures: the failure itself, not its wrappers, and work started on a
 * given thread.
 */
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

    /**
     * Starts {@code work} on {@code executor} and completes as the future it returns does; a synchronous throw fails
     * the result. The coordinators keep their state on one thread and enter it this way.
     */
    public static <T> CompletableFuture<T> on(Executor executor, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                work.get().whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
