package io.ledgerstream.log.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.TestBatches;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCacheTest {

    private static ByteBuffer batchAt(long base, int records) {
        ByteBuffer batch = TestBatches.batch(String.format("c%04d", base), records, 100, 0);
        RecordBatches.assign(batch, base, 0);
        return batch;
    }

    @Test
    void servesContiguousBatchesFromTheOneHoldingTheOffset() {
        BatchCache cache = new BatchCache(new CacheBudget(1 << 20));
        for (int i = 0; i < 5; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        List<ByteBuffer> read = cache.read(4, 1 << 20, 15);
        assertThat(read).extracting(RecordBatches::baseOffset).containsExactly(3L, 6L, 9L, 12L);
        assertThat(cache.read(4, 1, 15)).as("the first batch even when over maxBytes").hasSize(1);
        assertThat(cache.read(4, 1 << 20, 9)).as("nothing at or above the limit")
                .extracting(RecordBatches::baseOffset).containsExactly(3L, 6L);
    }

    @Test
    void evictsTheOldestBeyondItsBudgetAndMissesWhatItNoLongerHolds() {
        int size = batchAt(0, 3).remaining();
        CacheBudget budget = new CacheBudget(size * 3L);
        BatchCache cache = new BatchCache(budget);
        for (int i = 0; i < 5; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        assertThat(budget.usedBytes()).isEqualTo(size * 3L);
        assertThat(cache.covers(1)).isFalse();
        assertThat(cache.covers(8)).isTrue();
        assertThat(cache.read(1, 1 << 20, 15)).isNull();
        assertThat(cache.read(7, 1 << 20, 15)).extracting(RecordBatches::baseOffset).containsExactly(6L, 9L, 12L);
        assertThat(cache.read(15, 1 << 20, 100)).as("past the newest batch").isNull();
    }

    @Test
    void truncationDropsBatchesBelowTheLogStart() {
        BatchCache cache = new BatchCache(new CacheBudget(1 << 20));
        for (int i = 0; i < 4; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        cache.truncateBelow(6);
        assertThat(cache.read(3, 1 << 20, 12)).isNull();
        assertThat(cache.read(6, 1 << 20, 12)).extracting(RecordBatches::baseOffset).containsExactly(6L, 9L);
    }

    @Test
    void aZeroBudgetCachesNothing() {
        BatchCache cache = new BatchCache(new CacheBudget(0));
        cache.add(batchAt(0, 1));
        assertThat(cache.read(0, 100, 1)).isNull();
    }

    @Test
    void oneBudgetAcrossPartitionsEvictsTheOldestBatchesWhereverTheyAre() {
        int size = batchAt(0, 3).remaining();
        CacheBudget budget = new CacheBudget(size * 4L);
        BatchCache a = new BatchCache(budget);
        BatchCache b = new BatchCache(budget);
        a.add(batchAt(0, 3));
        a.add(batchAt(3, 3));
        b.add(batchAt(0, 3));
        b.add(batchAt(3, 3));
        b.add(batchAt(6, 3));
        assertThat(budget.usedBytes()).isEqualTo(size * 4L);
        assertThat(a.read(0, 1 << 20, 6)).as("the oldest of all went").isNull();
        assertThat(a.read(3, 1 << 20, 6)).extracting(RecordBatches::baseOffset).containsExactly(3L);
        assertThat(b.read(0, 1 << 20, 9)).extracting(RecordBatches::baseOffset).containsExactly(0L, 3L, 6L);

        a.clear();
        b.truncateBelow(3);
        assertThat(budget.usedBytes()).as("cleared and truncated batches are released").isEqualTo(size * 2L);
        b.add(batchAt(9, 3));
        b.add(batchAt(12, 3));
        assertThat(budget.usedBytes()).isEqualTo(size * 4L);
        assertThat(b.read(3, 1 << 20, 15)).extracting(RecordBatches::baseOffset).containsExactly(3L, 6L, 9L, 12L);
    }
}
