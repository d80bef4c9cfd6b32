package io.ledgerstream.log.fetch;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A broker's fetch sessions, at most {@code slots} of them ({@code max.incremental.fetch.session.cache.slots}).
 * When the cache is full, a new session takes the place of the one used least recently, if that one has been idle
 * for at least the eviction time (two minutes, as in Kafka); otherwise the consumer gets no session and fetches with
 * full requests, which is always correct, only larger.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class FetchSessionCache {
    /** How long a session must have been idle before a new one may take its slot. */
    public static final long EVICTION_MS = 120_000;

    private final int slots;
    private final long evictionNanos;
    private final LongSupplier nanoClock;
    @GuardedBy("this")
    private final Map<Integer, FetchSession> sessions = new HashMap<>();

    public FetchSessionCache(int slots) {
        this(slots, EVICTION_MS, System::nanoTime);
    }

    FetchSessionCache(int slots, long evictionMs, LongSupplier nanoClock) {
        this.slots = slots;
        this.evictionNanos = TimeUnit.MILLISECONDS.toNanos(evictionMs);
        this.nanoClock = nanoClock;
    }

    /** A new session over these partitions, or empty when there is no slot for it. */
    public synchronized Optional<FetchSession> create(boolean usesTopicIds,
                                                      Map<FetchedPartition, FetchPosition> partitions) {
        if (slots <= 0) {
            return Optional.empty();
        }
        long now = nanoClock.getAsLong();
        if (sessions.size() >= slots && !evictIdle(now)) {
            return Optional.empty();
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, usesTopicIds, partitions, now);
        sessions.put(id, session);
        return Optional.of(session);
    }

    @GuardedBy("this")
    private boolean evictIdle(long now) {
        FetchSession oldest = null;
        for (FetchSession s : sessions.values()) {
            if (oldest == null || s.lastUsedNanos() < oldest.lastUsedNanos()) {
                oldest = s;
            }
        }
        if (oldest == null || now - oldest.lastUsedNanos() < evictionNanos) {
            return false;
        }
        sessions.remove(oldest.id());
        return true;
    }

    public synchronized Optional<FetchSession> get(int id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /** Closes a session; a later request naming it gets FETCH_SESSION_ID_NOT_FOUND. */
    public synchronized void remove(int id) {
        sessions.remove(id);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /** The current time on the cache's clock, for a session's use. */
    public long nowNanos() {
        return nanoClock.getAsLong();
    }
}
