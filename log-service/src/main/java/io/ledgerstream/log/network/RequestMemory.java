package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker-wide budget of {@code queued.max.request.bytes}: the bytes of requests received and not yet served,
 * counted from the moment a frame's size is read until its request is done. As in Kafka, a frame is let in whole
 * while any budget is left, so the bytes held may exceed the limit by one frame and a frame larger than the limit
 * still gets in; a connection that finds no budget stops reading and waits to be woken when bytes are released.
 * Without a limit the bytes are counted all the same.
 *
 * <p>Thread-safe: connections on every event loop reserve and release; waking a waiter only hands it a task.
 */
@ThreadSafe
final class RequestMemory {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final LongAdder pauses = new LongAdder();

    /** A budget of {@code limit} bytes; 0 or less is no limit. */
    RequestMemory(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget if any is left; false, and nothing taken, when none is. */
    boolean tryReserve(long bytes) {
        if (limit <= 0) {
            used.addAndGet(bytes);
            return true;
        }
        while (true) {
            long now = used.get();
            if (now >= limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /**
     * Waits for bytes to be released: {@code wake} runs, once, on the releasing thread when some are, and must only
     * hand work to its own event loop. The caller tries {@link #tryReserve} again after registering, lest a release
     * in between be missed.
     */
    void await(Runnable wake) {
        pauses.increment();
        waiters.add(wake);
    }

    /** No longer waits (the connection closed). */
    void cancel(Runnable wake) {
        waiters.remove(wake);
    }

    /** Gives {@code bytes} back and wakes every waiter if the budget is no longer spent. */
    void release(long bytes) {
        long now = used.addAndGet(-bytes);
        if (limit > 0 && now < limit && !waiters.isEmpty()) {
            List<Runnable> woken = new ArrayList<>();
            for (Runnable waiter; (waiter = waiters.poll()) != null; ) {
                woken.add(waiter);
            }
            woken.forEach(Runnable::run);
        }
    }

    /** Bytes of requests held now. */
    long used() {
        return used.get();
    }

    /** Times a connection stopped reading for want of budget, since the broker started. */
    long pauses() {
        return pauses.sum();
    }
}
