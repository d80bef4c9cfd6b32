package io.ledgerstream.bench.groups;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;

/**
 * Which member of one group owns which partition of the topic, as the members' rebalance listeners report it
 * (assigned adds, revoked and lost remove), with the time of the last change of ownership and when each member first
 * received records; the benchmark waits on it for a group to receive and to settle. Times are
 * {@link System#nanoTime()}.
 *
 * <p>Thread-safe: members report from their own threads, the benchmark waits on its own.
 */
@ThreadSafe
public final class GroupView {
    private final int partitions;
    @GuardedBy("this")
    private final Map<Integer, TreeSet<Integer>> owned = new TreeMap<>();
    @GuardedBy("this")
    private final Map<Integer, Long> firstRecords = new HashMap<>();
    @GuardedBy("this")
    private long lastChange = System.nanoTime();
    @GuardedBy("this")
    private Throwable failure;

    public GroupView(int partitions) {
        this.partitions = partitions;
    }

    synchronized void assigned(int member, Collection<TopicPartition> added) {
        TreeSet<Integer> mine = owned.computeIfAbsent(member, m -> new TreeSet<>());
        boolean changed = false;
        for (TopicPartition tp : added) {
            changed |= mine.add(tp.partition());
        }
        changed(changed);
    }

    synchronized void released(int member, Collection<TopicPartition> removed) {
        TreeSet<Integer> mine = owned.computeIfAbsent(member, m -> new TreeSet<>());
        boolean changed = false;
        for (TopicPartition tp : removed) {
            changed |= mine.remove(tp.partition());
        }
        changed(changed);
    }

    @GuardedBy("this")
    private void changed(boolean changed) {
        if (changed) {
            lastChange = System.nanoTime();
            notifyAll();
        }
    }

    synchronized void received(int member) {
        if (firstRecords.putIfAbsent(member, System.nanoTime()) == null) {
            notifyAll();
        }
    }

    synchronized void failed(int member, Throwable e) {
        if (failure == null) {
            failure = new IllegalStateException("member " + member + " failed", e);
        }
        notifyAll();
    }

    /** A partition the member owns now, if any. */
    synchronized Optional<Integer> anyOwnedBy(int member) {
        TreeSet<Integer> mine = owned.get(member);
        return mine == null || mine.isEmpty() ? Optional.empty() : Optional.of(mine.first());
    }

    /** Waits until members 0 to {@code members - 1} have each received records; returns when the last one did. */
    public synchronized long awaitReceived(int members, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            throwIfFailed();
            long last = Long.MIN_VALUE;
            int count = 0;
            for (int m = 0; m < members; m++) {
                Long at = firstRecords.get(m);
                if (at != null) {
                    count++;
                    last = Math.max(last, at);
                }
            }
            if (count == members) {
                return last;
            }
            if (!waitUntil(deadline)) {
                throw new TimeoutException(count(members) + " of " + members + " members received records");
            }
        }
    }

    /**
     * Waits until the group of members 0 to {@code members - 1} has settled: every partition is owned by exactly one
     * of them, members {@code firstReceiver} to {@code members - 1} have each received records, and ownership has
     * not changed for {@code quiet}; then checks that the partitions are spread evenly (each member owns the
     * partition count over the members, rounded down or up). Returns when the group reached the state it then stays
     * in: the time of the last change of ownership or of those members' first records, whichever came last.
     */
    public synchronized long awaitSettled(int members, int firstReceiver, Duration quiet, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            throwIfFailed();
            long lastReceived = Long.MIN_VALUE;
            boolean received = true;
            for (int m = firstReceiver; m < members; m++) {
                Long at = firstRecords.get(m);
                received &= at != null;
                lastReceived = at == null ? lastReceived : Math.max(lastReceived, at);
            }
            if (received && eachOwnedOnce(members)) {
                long quietLeft = lastChange + quiet.toNanos() - System.nanoTime();
                if (quietLeft <= 0) {
                    checkEven(members);
                    return Math.max(lastChange, lastReceived);
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("ownership still changing: " + ownership());
                }
                wait(Math.max(1, quietLeft / 1_000_000));
            } else if (!waitUntil(deadline)) {
                throw new TimeoutException("the group did not settle: " + ownership() + (received ? ""
                        : "; " + count(members) + " of " + members + " members received records"));
            }
        }
    }

    @GuardedBy("this")
    private boolean eachOwnedOnce(int members) {
        int[] owners = new int[partitions];
        for (Map.Entry<Integer, TreeSet<Integer>> e : owned.entrySet()) {
            if (e.getKey() >= members && !e.getValue().isEmpty()) {
                return false;
            }
            for (int p : e.getValue()) {
                owners[p]++;
            }
        }
        for (int n : owners) {
            if (n != 1) {
                return false;
            }
        }
        return true;
    }

    @GuardedBy("this")
    private void checkEven(int members) {
        int least = partitions / members;
        int most = (partitions + members - 1) / members;
        for (int m = 0; m < members; m++) {
            int n = owned.getOrDefault(m, new TreeSet<>()).size();
            if (n < least || n > most) {
                throw new IllegalStateException("the group settled unevenly: " + ownership());
            }
        }
    }

    @GuardedBy("this")
    private int count(int members) {
        int n = 0;
        for (int m = 0; m < members; m++) {
            n += firstRecords.containsKey(m) ? 1 : 0;
        }
        return n;
    }

    /** Each member's partitions, for messages. */
    @GuardedBy("this")
    private String ownership() {
        return owned.toString();
    }

    @GuardedBy("this")
    private void throwIfFailed() throws Exception {
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure.getCause());
        }
    }

    /** Waits for a report or until the deadline; false if the deadline had passed. */
    @GuardedBy("this")
    private boolean waitUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        wait(Math.max(1, left / 1_000_000));
        return true;
    }
}
