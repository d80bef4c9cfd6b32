package io.ledgerstream.log.storage.bookkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.partition.RecordBatches;
import io.ledgerstream.log.testing.TestBatches;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/** The read-ahead slot: which reads it serves, how it splits a chunk, and that a failed chunk costs nothing. */
class ReadAheadTest {
    private final List<Long> bookieReads = new ArrayList<>();

    /** Batches of 10 records of 100 bytes at offsets 0, 10, 20, ... */
    private static List<ByteBuffer> batches(long from, int count) {
        List<ByteBuffer> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ByteBuffer batch = TestBatches.batch("k", 10, 100, 1_000);
            RecordBatches.assign(batch, from + 10L * i, 0);
            batches.add(batch);
        }
        return batches;
    }

    private LongFunction<CompletableFuture<List<ByteBuffer>>> bookies() {
        return offset -> {
            bookieReads.add(offset);
            return CompletableFuture.completedFuture(batches(offset, 1));
        };
    }

    @Test
    void aReadAtTheChunksOffsetIsServedFromItAndOthersGoToTheBookies() {
        ReadAhead readAhead = new ReadAhead();
        readAhead.prefetch(20, CompletableFuture.completedFuture(batches(20, 2)));

        assertThat(readAhead.read(50, 1 << 20, bookies()).join()).hasSize(1);
        assertThat(bookieReads).containsExactly(50L);
        List<ByteBuffer> served = readAhead.read(20, 1 << 20, bookies()).join();
        assertThat(served).extracting(RecordBatches::baseOffset).containsExactly(20L, 30L);
        assertThat(bookieReads).as("the chunk served it").containsExactly(50L);
        readAhead.read(20, 1 << 20, bookies()).join();
        assertThat(bookieReads).as("a chunk is used once").containsExactly(50L, 20L);
    }

    @Test
    void whatIsLeftOfAChunkBeyondTheReadsLimitServesTheNextRead() {
        ReadAhead readAhead = new ReadAhead();
        List<ByteBuffer> chunk = batches(0, 3);
        readAhead.prefetch(0, CompletableFuture.completedFuture(chunk));
        int oneBatch = chunk.get(0).remaining();

        assertThat(readAhead.read(0, oneBatch, bookies()).join()).extracting(RecordBatches::baseOffset)
                .containsExactly(0L);
        assertThat(readAhead.read(10, 2 * oneBatch, bookies()).join()).extracting(RecordBatches::baseOffset)
                .containsExactly(10L, 20L);
        assertThat(bookieReads).isEmpty();
    }

    @Test
    void aFailedOrEmptyChunkFallsBackToTheBookies() {
        ReadAhead readAhead = new ReadAhead();
        readAhead.prefetch(0, CompletableFuture.failedFuture(new IllegalStateException("bookie gone")));
        assertThat(readAhead.read(0, 1 << 20, bookies()).join()).extracting(RecordBatches::baseOffset)
                .containsExactly(0L);
        readAhead.prefetch(10, CompletableFuture.completedFuture(List.of()));
        readAhead.read(10, 1 << 20, bookies()).join();
        assertThat(bookieReads).containsExactly(0L, 10L);
    }
}
