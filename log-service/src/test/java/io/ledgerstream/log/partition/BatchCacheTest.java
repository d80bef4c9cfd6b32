package io.ledgerstream.log.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.TestBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchCacheTest {
    /** Every batch a test gave a cache, to check that each is freed in the end. */
    private final List<ByteBuf> given = new ArrayList<>();
    /** Every read a test made, released after it unless the test did. */
    private final List<List<ByteBuf>> reads = new ArrayList<>();

    @AfterEach
    void releaseReads() {
        reads.forEach(BatchCacheTest::release);
    }

    /**
     * A batch at {@code base} in direct memory, as the append path gives it to the cache. Unpooled, so that a freed
     * buffer's reference count stays 0 (Netty recycles a pooled buffer's object for the next allocation).
     */
    private ByteBuf batchAt(long base, int records) {
        return batchAt(base, records, UnpooledByteBufAllocator.DEFAULT);
    }

    private ByteBuf batchAt(long base, int records, ByteBufAllocator allocator) {
        ByteBuffer heap = TestBatches.batch(String.format("c%04d", base), records, 100, 0);
        RecordBatches.assign(heap, base, 0);
        ByteBuf direct = allocator.directBuffer(heap.remaining());
        direct.writeBytes(heap);
        given.add(direct);
        return direct;
    }

    private static int sizeOfBatch() {
        return TestBatches.batch("c0000", 3, 100, 0).remaining();
    }

    private List<ByteBuf> read(BatchCache cache, long offset, int maxBytes, long limit) {
        List<ByteBuf> read = cache.read(offset, maxBytes, limit);
        if (read != null) {
            reads.add(read);
        }
        return read;
    }

    private static List<Long> bases(List<ByteBuf> batches) {
        return batches.stream().map(b -> b.getLong(b.readerIndex())).toList();
    }

    private static void release(List<ByteBuf> batches) {
        batches.forEach(ByteBuf::release);
    }

    @Test
    void servesContiguousBatchesFromTheOneHoldingTheOffset() {
        BatchCache cache = new BatchCache(new CacheBudget(1 << 20));
        for (int i = 0; i < 5; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        assertThat(bases(read(cache, 4, 1 << 20, 15))).containsExactly(3L, 6L, 9L, 12L);
        assertThat(read(cache, 4, 1, 15)).as("the first batch even when over maxBytes").hasSize(1);
        assertThat(bases(read(cache, 4, 1 << 20, 9))).as("nothing at or above the limit").containsExactly(3L, 6L);
        cache.clear();
    }

    @Test
    void readsAreSlicesOfTheCachedMemoryWithAReferenceOfTheirOwn() {
        BatchCache cache = new BatchCache(new CacheBudget(1 << 20));
        ByteBuf batch = batchAt(0, 3, PooledByteBufAllocator.DEFAULT);
        cache.add(batch);
        List<ByteBuf> read = cache.read(0, 1 << 20, 3);
        assertThat(batch.refCnt()).as("the cache's reference and the reader's").isEqualTo(2);
        ByteBuf slice = read.get(0);
        assertThat(slice.isDirect()).isTrue();
        assertThat(slice.hasMemoryAddress() && batch.hasMemoryAddress()).isTrue();
        assertThat(slice.memoryAddress()).as("no copy: the same memory").isEqualTo(batch.memoryAddress());
        release(read);
        assertThat(batch.refCnt()).isEqualTo(1);
        cache.clear();
        assertThat(batch.refCnt()).isZero();
    }

    @Test
    void anEvictedBatchAReaderHoldsStaysIntactUntilTheReaderReleasesIt() {
        int size = sizeOfBatch();
        CacheBudget budget = new CacheBudget(size);
        BatchCache cache = new BatchCache(budget);
        // Pooled, as in the broker: freed memory would go to the next allocations of that size.
        ByteBuf first = batchAt(0, 3, PooledByteBufAllocator.DEFAULT);
        byte[] written = ByteBufUtil.getBytes(first);
        cache.add(first);
        List<ByteBuf> held = cache.read(0, 1 << 20, 3);

        cache.add(batchAt(3, 3));
        // Allocations that would reuse the memory, had eviction freed it.
        List<ByteBuf> churn = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            churn.add(PooledByteBufAllocator.DEFAULT.directBuffer(size).writeZero(size));
        }

        assertThat(cache.covers(0)).as("evicted").isFalse();
        assertThat(budget.usedBytes()).isEqualTo(size);
        assertThat(first.refCnt()).as("the reader's reference alone").isEqualTo(1);
        assertThat(ByteBufUtil.getBytes(held.get(0))).as("the reader's bytes, intact").isEqualTo(written);
        release(held);
        assertThat(first.refCnt()).as("freed once the reader released it").isZero();
        release(churn);
        cache.clear();
        assertThat(given.get(1).refCnt()).isZero();
    }

    @Test
    void evictsTheOldestBeyondItsBudgetAndMissesWhatItNoLongerHolds() {
        int size = sizeOfBatch();
        CacheBudget budget = new CacheBudget(size * 3L);
        BatchCache cache = new BatchCache(budget);
        for (int i = 0; i < 5; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        assertThat(budget.usedBytes()).isEqualTo(size * 3L);
        assertThat(given.subList(0, 2)).as("the two oldest, freed").allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(given.subList(2, 5)).allSatisfy(b -> assertThat(b.refCnt()).isEqualTo(1));
        assertThat(cache.covers(1)).isFalse();
        assertThat(cache.covers(8)).isTrue();
        assertThat(read(cache, 1, 1 << 20, 15)).isNull();
        assertThat(bases(read(cache, 7, 1 << 20, 15))).containsExactly(6L, 9L, 12L);
        assertThat(read(cache, 15, 1 << 20, 100)).as("past the newest batch").isNull();
        cache.clear();
    }

    @Test
    void truncationDropsAndReleasesBatchesBelowTheLogStart() {
        CacheBudget budget = new CacheBudget(1 << 20);
        BatchCache cache = new BatchCache(budget);
        for (int i = 0; i < 4; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        cache.truncateBelow(6);
        assertThat(given.subList(0, 2)).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(budget.usedBytes()).isEqualTo(2L * sizeOfBatch());
        assertThat(read(cache, 3, 1 << 20, 12)).isNull();
        assertThat(bases(read(cache, 6, 1 << 20, 12))).containsExactly(6L, 9L);
        cache.clear();
    }

    @Test
    void clearReleasesEverythingAndReadersFreeWhatTheyHeld() {
        CacheBudget budget = new CacheBudget(1 << 20);
        BatchCache cache = new BatchCache(budget);
        for (int i = 0; i < 4; i++) {
            cache.add(batchAt(i * 3L, 3));
        }
        List<ByteBuf> held = cache.read(3, 1 << 20, 12);
        cache.clear();
        assertThat(budget.usedBytes()).isZero();
        assertThat(cache.read(3, 1 << 20, 12)).isNull();
        assertThat(given.get(0).refCnt()).isZero();
        assertThat(given.subList(1, 4)).as("still held by the reader").allSatisfy(b -> assertThat(b.refCnt()).isOne());
        release(held);
        assertThat(given).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aClosedCacheReleasesWhatItHeldAndWhatIsAddedLater() {
        CacheBudget budget = new CacheBudget(1 << 20);
        BatchCache cache = new BatchCache(budget);
        cache.add(batchAt(0, 3));
        cache.close();
        ByteBuf late = batchAt(3, 3);
        cache.add(late);
        assertThat(given).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(budget.usedBytes()).isZero();
        assertThat(cache.read(3, 1 << 20, 6)).isNull();
    }

    @Test
    void aZeroBudgetCachesNothingAndReleasesWhatItIsGiven() {
        BatchCache cache = new BatchCache(new CacheBudget(0));
        ByteBuf batch = batchAt(0, 1);
        cache.add(batch);
        assertThat(cache.read(0, 100, 1)).isNull();
        assertThat(batch.refCnt()).isZero();
    }

    @Test
    void aBatchAtAnOffsetHeldAlreadyIsReleased() {
        BatchCache cache = new BatchCache(new CacheBudget(1 << 20));
        cache.add(batchAt(0, 3));
        ByteBuf again = batchAt(0, 3);
        cache.add(again);
        assertThat(again.refCnt()).isZero();
        cache.clear();
        assertThat(given).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void oneBudgetAcrossPartitionsEvictsTheOldestBatchesWhereverTheyAre() {
        int size = sizeOfBatch();
        CacheBudget budget = new CacheBudget(size * 4L);
        BatchCache a = new BatchCache(budget);
        BatchCache b = new BatchCache(budget);
        a.add(batchAt(0, 3));
        a.add(batchAt(3, 3));
        b.add(batchAt(0, 3));
        b.add(batchAt(3, 3));
        b.add(batchAt(6, 3));
        assertThat(budget.usedBytes()).isEqualTo(size * 4L);
        assertThat(read(a, 0, 1 << 20, 6)).as("the oldest of all went").isNull();
        assertThat(bases(read(a, 3, 1 << 20, 6))).containsExactly(3L);
        assertThat(bases(read(b, 0, 1 << 20, 9))).containsExactly(0L, 3L, 6L);

        a.clear();
        b.truncateBelow(3);
        assertThat(budget.usedBytes()).as("cleared and truncated batches are released").isEqualTo(size * 2L);
        b.add(batchAt(9, 3));
        b.add(batchAt(12, 3));
        assertThat(budget.usedBytes()).isEqualTo(size * 4L);
        assertThat(bases(read(b, 3, 1 << 20, 15))).containsExactly(3L, 6L, 9L, 12L);
        b.clear();
        releaseReads();
        reads.clear();
        assertThat(given).allSatisfy(x -> assertThat(x.refCnt()).isZero());
    }
}
