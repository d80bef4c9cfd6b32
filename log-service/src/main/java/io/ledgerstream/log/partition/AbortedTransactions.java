package io.ledgerstream.log.partition;

import io.ledgerstream.log.metadata.AbortedTransaction;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's aborted-transaction index: the aborted transactions in the order of their markers, so that a
 * read_committed fetch is told which of the records it gets were aborted. Entries go once their marker is below
 * the log start offset.
 *
 * <p>Not thread-safe: the partition log calls it under its lock.
 */
public final class AbortedTransactions {
    /** Ordered by marker offset, as markers are appended. */
    private final ArrayList<AbortedTransaction> entries = new ArrayList<>();

    void add(AbortedTransaction aborted) {
        entries.add(aborted);
    }

    /** The aborted transactions with records in {@code [from, to)}: marker at or after from, start before to. */
    public List<AbortedTransaction> overlapping(long from, long to) {
        List<AbortedTransaction> result = new ArrayList<>();
        for (int i = firstEndingAtOrAfter(from); i < entries.size(); i++) {
            AbortedTransaction a = entries.get(i);
            if (a.firstOffset() < to) {
                result.add(a);
            }
        }
        return result;
    }

    /** Whether the transactional record at {@code offset} of {@code producerId} belongs to an aborted transaction. */
    public boolean isAborted(long producerId, long offset) {
        for (int i = firstEndingAtOrAfter(offset); i < entries.size(); i++) {
            AbortedTransaction a = entries.get(i);
            if (a.producerId() == producerId && a.firstOffset() <= offset) {
                return true;
            }
        }
        return false;
    }

    /** Drops the entries whose marker lies below {@code logStartOffset}. */
    public void truncateBefore(long logStartOffset) {
        entries.subList(0, firstEndingAtOrAfter(logStartOffset)).clear();
    }

    /** The entries whose marker lies below {@code offset}, oldest first. */
    List<AbortedTransaction> below(long offset) {
        return List.copyOf(entries.subList(0, firstEndingAtOrAfter(offset)));
    }

    /** Starts again from stored entries. */
    void restore(List<AbortedTransaction> stored) {
        entries.clear();
        entries.addAll(stored);
    }

    /** A copy, for work done outside the lock (compaction). */
    public AbortedTransactions copy() {
        AbortedTransactions copy = new AbortedTransactions();
        copy.entries.addAll(entries);
        return copy;
    }

    private int firstEndingAtOrAfter(long offset) {
        int lo = 0;
        int hi = entries.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entries.get(mid).lastOffset() < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
