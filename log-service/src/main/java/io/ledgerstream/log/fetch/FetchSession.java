package io.ledgerstream.log.fetch;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidFetchSessionEpochException;

/**
 * One consumer's fetch session: the partitions it fetches with their positions, in the order they are read, and
 * what it was last told about each. The session's epoch is the one its next incremental request must carry.
 * Partitions that returned records move to the end of the order, so that a response limited in size serves each
 * partition in turn.
 *
 * <p>Thread-safe: a session is used by one request at a time, which the epoch checks; the lock guards against a
 * client that sends two anyway.
 */
@ThreadSafe
public final class FetchSession {
    private final int id;
    private final boolean usesTopicIds;
    @GuardedBy("this")
    private int nextEpoch = 1;
    @GuardedBy("this")
    private long lastUsedNanos;
    @GuardedBy("this")
    private final LinkedHashMap<FetchedPartition, Cached> partitions = new LinkedHashMap<>();

    private static final class Cached {
        FetchPosition position;
        SentState sent = SentState.NOTHING;

        Cached(FetchPosition position) {
            this.position = position;
        }
    }

    FetchSession(int id, boolean usesTopicIds, Map<FetchedPartition, FetchPosition> partitions, long nowNanos) {
        this.id = id;
        this.usesTopicIds = usesTopicIds;
        this.lastUsedNanos = nowNanos;
        partitions.forEach((p, position) -> this.partitions.put(p, new Cached(position)));
    }

    public int id() {
        return id;
    }

    /** Whether the session names topics by id (Fetch 13 and later); a request must do as the session does. */
    public boolean usesTopicIds() {
        return usesTopicIds;
    }

    /** The epoch the next incremental request must carry. */
    public synchronized int nextEpoch() {
        return nextEpoch;
    }

    synchronized long lastUsedNanos() {
        return lastUsedNanos;
    }

    public synchronized int size() {
        return partitions.size();
    }

    /**
     * Applies an incremental request carrying {@code epoch}: the partitions it names are added or take their new
     * positions, the forgotten ones leave.
     *
     * @return every partition of the session with its position, in reading order
     * @throws InvalidFetchSessionEpochException when the epoch is not the one expected
     */
    public synchronized Map<FetchedPartition, FetchPosition> update(int epoch,
                                                                    Map<FetchedPartition, FetchPosition> changed,
                                                                    Collection<FetchedPartition> forgotten,
                                                                    long nowNanos) {
        if (epoch != nextEpoch) {
            throw new InvalidFetchSessionEpochException("Fetch session " + id + " expected epoch " + nextEpoch
                    + " but the request carries " + epoch);
        }
        nextEpoch = nextEpoch == Integer.MAX_VALUE ? 1 : nextEpoch + 1;
        lastUsedNanos = nowNanos;
        forgotten.forEach(partitions::remove);
        changed.forEach((p, position) -> {
            Cached cached = partitions.get(p);
            if (cached == null) {
                partitions.put(p, new Cached(position));
            } else {
                cached.position = position;
            }
        });
        Map<FetchedPartition, FetchPosition> all = new LinkedHashMap<>();
        partitions.forEach((p, cached) -> all.put(p, cached.position));
        return all;
    }

    /**
     * Records what a response tells the consumer about a partition and whether an incremental response must carry
     * it: when it has records or an error, or its offsets changed since last sent. A partition that returned
     * records goes to the end of the reading order.
     */
    public synchronized boolean mustSend(FetchedPartition partition, boolean hasRecords, boolean error,
                                         SentState state) {
        Cached cached = partitions.get(partition);
        if (cached == null) {
            return false;
        }
        boolean changed = !state.equals(cached.sent);
        cached.sent = state;
        if (hasRecords) {
            partitions.remove(partition);
            partitions.put(partition, cached);
        }
        return hasRecords || error || changed;
    }

    /** The partitions in reading order, for tests and descriptions. */
    public synchronized List<FetchedPartition> partitions() {
        return new ArrayList<>(partitions.keySet());
    }
}
