package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.metrics.StorageMetrics;
import io.ledgerstream.log.partition.RecordBatches;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-ahead for a consumer catching up from the bookies. When a read from the bookies ends at offset N, the chunk
 * from N is requested at once, so the consumer's next fetch finds it in memory (or already on its way) instead of
 * waiting a whole bookie round trip. One chunk per partition: a read at another offset (a second consumer, a seek)
 * simply does not use it, and the next read-ahead replaces it. Batches only change by compaction, which clears the
 * chunk; a chunk read just before that holds the same records and more, never others. A chunk stays until it
 * is used or replaced: memory is one chunk per partition read from the bookies.
 *
 * <p>Thread-safe without a lock: the chunk is one atomic reference, and a read takes it by compare-and-set, so
 * of two concurrent reads at its offset one uses it and the other reads from the bookies.
 */
@ThreadSafe
final class ReadAhead {
    private static final Logger LOG = LoggerFactory.getLogger(ReadAhead.class);

    /** Batches read ahead from {@code offset}. */
    private record Chunk(long offset, CompletableFuture<List<ByteBuffer>> batches) {
    }

    private final AtomicReference<Chunk> next = new AtomicReference<>();
    private final StorageMetrics metrics;

    ReadAhead() {
        this(StorageMetrics.NONE);
    }

    /** @param metrics counts the reads served from a chunk (hits) and those that went to the bookies (misses) */
    ReadAhead(StorageMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The batches from {@code offset} on, at most {@code maxBytes} of them (at least one batch), from the chunk read
     * ahead if there is one for exactly this offset, otherwise from {@code read}. What is left of a chunk beyond
     * {@code maxBytes} stays as the next chunk.
     */
    CompletableFuture<List<ByteBuffer>> read(long offset, int maxBytes,
                                             LongFunction<CompletableFuture<List<ByteBuffer>>> read) {
        LongFunction<CompletableFuture<List<ByteBuffer>>> fromBookies = from -> {
            metrics.readAheadMiss();
            return read.apply(from);
        };
        Chunk chunk = next.get();
        if (chunk == null || chunk.offset() != offset || !next.compareAndSet(chunk, null)) {
            return fromBookies.apply(offset);
        }
        // A failed read-ahead costs nothing more than the read it replaced.
        return chunk.batches().handle((batches, error) -> {
                    if (error != null) {
                        LOG.debug("Read-ahead from offset {} failed; reading again: {}", offset, error.toString());
                    }
                    return error == null ? batches : null;
                })
                .thenCompose(batches -> {
                    if (batches == null || batches.isEmpty()) {
                        return fromBookies.apply(offset);
                    }
                    metrics.readAheadHit();
                    return CompletableFuture.completedFuture(keep(batches, maxBytes));
                });
    }

    /** Whether the chunk held starts at {@code offset} (the rest of a chunk a read did not take all of). */
    boolean holds(long offset) {
        Chunk chunk = next.get();
        return chunk != null && chunk.offset() == offset;
    }

    /** Drops the chunk held, for when the batches it read were rewritten (compaction). */
    void clear() {
        next.set(null);
    }

    /** Starts reading the chunk from {@code offset}, replacing any earlier one. */
    void prefetch(long offset, CompletableFuture<List<ByteBuffer>> batches) {
        next.set(new Chunk(offset, batches));
    }

    private List<ByteBuffer> keep(List<ByteBuffer> batches, int maxBytes) {
        List<ByteBuffer> kept = new ArrayList<>();
        int size = 0;
        int i = 0;
        for (; i < batches.size(); i++) {
            ByteBuffer batch = batches.get(i);
            if (!kept.isEmpty() && size + batch.remaining() > maxBytes) {
                break;
            }
            kept.add(batch);
            size += batch.remaining();
        }
        if (i < batches.size()) {
            List<ByteBuffer> rest = List.copyOf(batches.subList(i, batches.size()));
            next.compareAndSet(null, new Chunk(RecordBatches.baseOffset(rest.get(0)),
                    CompletableFuture.completedFuture(rest)));
        }
        return kept;
    }
}
