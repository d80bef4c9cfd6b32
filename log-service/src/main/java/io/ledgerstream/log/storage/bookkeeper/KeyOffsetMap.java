package io.ledgerstream.log.storage.bookkeeper;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The latest offset of every key seen in the part of a log being compacted, within a memory budget. Keys are kept
 * whole (copied), so two keys never share an entry; the budget counts each key's bytes plus a fixed overhead.
 *
 * <p>Not thread-safe: one compaction run owns it.
 */
final class KeyOffsetMap {
    /** Estimated bytes of one map entry besides the key: the node, the boxed offset, the buffer object. */
    private static final int ENTRY_OVERHEAD = 96;

    private final long budgetBytes;
    private final Map<ByteBuffer, Long> offsets = new HashMap<>();
    private long usedBytes;

    KeyOffsetMap(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Records {@code offset} as the latest of {@code key} (offsets arrive in increasing order). */
    void put(ByteBuffer key, long offset) {
        Long previous = offsets.get(key);
        if (previous == null) {
            ByteBuffer copy = ByteBuffer.allocate(key.remaining()).put(key.duplicate()).flip();
            offsets.put(copy, offset);
            usedBytes += copy.capacity() + ENTRY_OVERHEAD;
        } else {
            offsets.put(key, offset);
        }
    }

    /** The latest offset of {@code key}, or -1 if it was not seen. */
    long latest(ByteBuffer key) {
        Long offset = offsets.get(key);
        return offset == null ? -1 : offset;
    }

    /** Whether the budget is used up: the run must stop adding keys after the batch at hand. */
    boolean full() {
        return usedBytes >= budgetBytes;
    }

    int size() {
        return offsets.size();
    }
}
