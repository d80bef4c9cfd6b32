package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued tasks one at a time, in the order they were queued, on whichever calling thread finds none running.
 * Callers queue while holding their own lock (so the order is theirs) and run after releasing it (so no task runs
 * under it).
 *
 * <p>Thread-safe.
 */
@ThreadSafe
final class SequentialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SequentialRunner.class);

    private final String name;
    private final Object lock = new Object();
    @GuardedBy("lock")
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    @GuardedBy("lock")
    private boolean running;

    /** @param name what the tasks are for, in the log line of a task that throws */
    SequentialRunner(String name) {
        this.name = name;
    }

    /** Queues a task to run after those queued before it, at the next {@link #runQueued}. */
    void enqueue(Runnable task) {
        synchronized (lock) {
            queue.addLast(task);
        }
    }

    /**
     * Runs queued tasks until none is left, unless another thread is running them already (it then runs those queued
     * meanwhile too). A task that throws is logged and the next one still runs.
     */
    void runQueued() {
        synchronized (lock) {
            if (running || queue.isEmpty()) {
                return;
            }
            running = true;
        }
        while (true) {
            Runnable next;
            synchronized (lock) {
                next = queue.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.error("A task of {} failed", name, e);
            }
        }
    }
}
