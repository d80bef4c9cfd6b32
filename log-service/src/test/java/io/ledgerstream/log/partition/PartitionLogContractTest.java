package io.ledgerstream.log.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.testing.ManualClock;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestBatches.KeyAtOffset;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link PartitionLog} implementation must do. A subclass supplies real storage; each test works on a
 * partition of its own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class PartitionLogContractTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final List<PartitionLog> opened = new ArrayList<>();
    private String topic;

    /** Opens a writer on partition 0 of {@code topic}, creating the topic with {@code config} the first time. */
    protected abstract PartitionLog open(String topic, LogConfig config) throws Exception;

    /** The clock the logs opened by {@link #open} read. */
    protected abstract ManualClock clock();

    @AfterEach
    void closeLogs() {
        for (PartitionLog log : opened) {
            log.closeAsync().handle((v, e) -> null).join();
        }
    }

    private PartitionLog openLog(TestInfo test, LogConfig config) throws Exception {
        if (topic == null) {
            topic = test.getTestMethod().orElseThrow().getName() + "-" + TOPICS.incrementAndGet();
        }
        PartitionLog log = open(topic, config);
        opened.add(log);
        return log;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return e.getCause() != null ? e.getCause() : e;
        }
        throw new AssertionError("expected the operation to fail, but it succeeded");
    }

    /** Reads from {@code from} to the high watermark, in reads of at most {@code maxBytes}. */
    protected static List<KeyAtOffset> readAll(PartitionLog log, long from, int maxBytes) throws Exception {
        List<KeyAtOffset> records = new ArrayList<>();
        long next = from;
        while (next < log.highWatermark()) {
            try (ReadResult result = await(log.readAsync(next, maxBytes))) {
                assertThat(result.batches()).as("read at %d below the high watermark", next).isNotEmpty();
                for (KeyAtOffset r : TestBatches.records(result.batches())) {
                    if (r.offset() >= next) {
                        records.add(r);
                    }
                }
                next = result.nextOffset();
            }
        }
        return records;
    }

    /** Reads from {@code from} to the high watermark with values, in reads of at most {@code maxBytes}. */
    private static List<TestBatches.Entry> readEntries(PartitionLog log, long from, int maxBytes) throws Exception {
        List<TestBatches.Entry> records = new ArrayList<>();
        long next = from;
        while (next < log.highWatermark()) {
            try (ReadResult result = await(log.readAsync(next, maxBytes))) {
                assertThat(result.batches()).as("read at %d below the high watermark", next).isNotEmpty();
                for (TestBatches.Entry r : TestBatches.entries(result.batches())) {
                    if (r.offset() >= next) {
                        records.add(r);
                    }
                }
                next = result.nextOffset();
            }
        }
        return records;
    }

    private static LogConfig config(long segmentBytes) {
        return LogConfig.DEFAULTS.withOverrides(java.util.Map.of(LogConfig.SEGMENT_BYTES, Long.toString(segmentBytes)));
    }

    @Test
    void appendedBatchesReadBackWithContiguousOffsets(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, LogConfig.DEFAULTS);
        long expectedBase = 0;
        for (int i = 0; i < 10; i++) {
            AppendResult result = await(log.appendAsync(TestBatches.batch("b" + i, i + 1, 100, clock().millis())));
            assertThat(result.baseOffset()).isEqualTo(expectedBase);
            assertThat(result.lastOffset()).isEqualTo(expectedBase + i);
            expectedBase += i + 1;
        }
        assertThat(log.highWatermark()).isEqualTo(55);

        List<KeyAtOffset> records = readAll(log, 0, 1 << 20);
        assertThat(records).hasSize(55);
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
        }
        assertThat(records.get(0).key()).isEqualTo("b0-0");
        assertThat(records.get(54).key()).isEqualTo("b9-9");
    }

    @Test
    void pipelinedAppendsCompleteInOffsetOrder(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, config(64 * 1024));
        List<Long> completionOrder = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        List<CompletableFuture<Void>> observed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CompletableFuture<AppendResult> f = log.appendAsync(TestBatches.batch("p" + i, 3, 500, clock().millis()));
            observed.add(f.thenAccept(r -> completionOrder.add(r.baseOffset())));
            futures.add(f);
        }
        await(CompletableFuture.allOf(observed.toArray(CompletableFuture[]::new)));
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).join().baseOffset()).isEqualTo(3L * i);
        }
        assertThat(completionOrder).isSorted().hasSize(300);
        assertThat(readAll(log, 0, 64 * 1024)).extracting(KeyAtOffset::offset)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 900).boxed().toList());
    }

    @Test
    void everyOffsetOfAMultiSegmentLogIsReadableBeforeAndAfterReopening(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, config(4096));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int count = 1 + i % 4;
            await(log.appendAsync(TestBatches.batch("m" + i, count, 300, clock().millis())));
            for (int r = 0; r < count; r++) {
                keys.add("m" + i + "-" + r);
            }
        }
        assertEveryOffsetReadable(log, keys);
        await(log.closeAsync());

        PartitionLog reopened = openLog(test, config(4096));
        assertThat(reopened.highWatermark()).isEqualTo(keys.size());
        assertEveryOffsetReadable(reopened, keys);
        AppendResult next = await(reopened.appendAsync(TestBatches.single("after", clock().millis())));
        assertThat(next.baseOffset()).isEqualTo(keys.size());
    }

    @Test
    void sizeCountsAcknowledgedBatchesOfTheOpenSegmentAndSealedOnesAfterReopening(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, config(4096));
        assertThat(log.sizeBytes()).isZero();
        long expected = 0;
        for (int i = 0; i < 20; i++) {
            ByteBuffer batch = TestBatches.batch("z" + i, 2, 300, clock().millis());
            expected += batch.remaining();
            await(log.appendAsync(batch));
            assertThat(log.sizeBytes()).as("after %d appends", i + 1).isEqualTo(expected);
        }
        await(log.closeAsync());

        PartitionLog reopened = openLog(test, config(4096));
        assertThat(reopened.sizeBytes()).as("every segment sealed").isEqualTo(expected);
        await(reopened.deleteRecordsBefore(-1));
        assertThat(reopened.sizeBytes()).as("after deleting every sealed segment").isZero();
    }

    private static void assertEveryOffsetReadable(PartitionLog log, List<String> keys) throws Exception {
        for (int offset = 0; offset < keys.size(); offset++) {
            List<KeyAtOffset> records;
            try (ReadResult result = await(log.readAsync(offset, 1))) {
                assertThat(result.batches()).hasSize(1);
                records = TestBatches.records(result.batches());
            }
            int at = offset;
            assertThat(records).as("batch read at offset %d", offset)
                    .anySatisfy(r -> assertThat(r).isEqualTo(new KeyAtOffset(at, keys.get(at))));
        }
        assertThat(readAll(log, 0, 2000)).extracting(KeyAtOffset::key).containsExactlyElementsOf(keys);
    }

    @Test
    void readsOutsideTheLogFailWithOffsetOutOfRangeAndAtTheEndAreEmpty(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, LogConfig.DEFAULTS);
        await(log.appendAsync(TestBatches.batch("x", 5, 10, clock().millis())));
        try (ReadResult atTheEnd = await(log.readAsync(5, 1000))) {
            assertThat(atTheEnd.batches()).isEmpty();
        }
        assertThat(failureOf(log.readAsync(6, 1000))).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(failureOf(log.readAsync(-1, 1000))).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void retentionByTimeDeletesOldSegmentsAndMovesTheLogStart(TestInfo test) throws Exception {
        LogConfig config = LogConfig.DEFAULTS.withOverrides(java.util.Map.of(
                LogConfig.SEGMENT_MS, "1000", LogConfig.RETENTION_MS, "5000"));
        PartitionLog log = openLog(test, config);
        await(log.appendAsync(TestBatches.batch("old", 4, 100, clock().millis())));
        await(log.appendAsync(TestBatches.batch("old2", 4, 100, clock().millis())));
        clock().advance(2000);
        // Rolls by age: this batch starts the second segment.
        await(log.appendAsync(TestBatches.batch("new", 4, 100, clock().millis())));
        assertThat(await(log.enforceRetention())).as("nothing is old enough yet").isZero();

        clock().advance(4000);
        assertThat(await(log.enforceRetention())).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(8);
        OffsetOutOfRangeException below = (OffsetOutOfRangeException) failureOf(log.readAsync(0, 1000));
        assertThat(below.logStartOffset()).isEqualTo(8);
        assertThat(readAll(log, 8, 1000)).extracting(KeyAtOffset::key)
                .containsExactly("new-0", "new-1", "new-2", "new-3");
        assertThat(await(log.enforceRetention())).as("the open segment is never deleted").isZero();
    }

    @Test
    void timestampSearchesSkipSegmentsWhoseRecordsAreAllOlder(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, LogConfig.DEFAULTS.withOverrides(java.util.Map.of(LogConfig.SEGMENT_MS, "1000")));
        long t0 = clock().millis();
        for (int segment = 0; segment < 3; segment++) {
            await(log.appendAsync(TestBatches.batch("t" + segment, 3, 50, clock().millis())));
            await(log.appendAsync(TestBatches.batch("u" + segment, 3, 50, clock().millis())));
            clock().advance(2000);
        }
        assertThat(log.timestampSearchStart(t0)).isZero();
        assertThat(log.timestampSearchStart(t0 + 1000)).isEqualTo(6);
        assertThat(log.timestampSearchStart(t0 + 4000)).isEqualTo(12);
        assertThat(log.timestampSearchStart(Long.MAX_VALUE)).as("the segment with the newest record").isEqualTo(12);
        assertThat(log.timestampSearchStart(t0 + 60_000)).as("nothing that new").isEqualTo(18);
    }

    @Test
    void segmentsRollTheirJitterBeforeSegmentMs(TestInfo test) throws Exception {
        LogConfig config = LogConfig.DEFAULTS.withOverrides(java.util.Map.of(LogConfig.SEGMENT_MS, "10000",
                LogConfig.SEGMENT_JITTER_MS, "9000"));
        PartitionLog log = openLog(test, config);
        long jitter = config.rollJitterMs(log.topicPartition(), 0);
        assertThat(jitter).as("this partition's first segment has a jitter").isPositive();
        await(log.appendAsync(TestBatches.single("a", clock().millis())));
        clock().advance(10_000 - jitter - 1);
        long beforeRoll = clock().millis();
        await(log.appendAsync(TestBatches.single("b", beforeRoll)));
        clock().advance(1);
        long atRoll = clock().millis();
        await(log.appendAsync(TestBatches.single("c", atRoll)));
        assertThat(log.timestampSearchStart(beforeRoll)).as("b went to the first segment").isZero();
        assertThat(log.timestampSearchStart(atRoll)).as("c opened a segment of its own").isEqualTo(2);
    }

    @Test
    void retentionBySizeKeepsTheNewestSegmentsWithinTheLimit(TestInfo test) throws Exception {
        LogConfig config = LogConfig.DEFAULTS.withOverrides(java.util.Map.of(
                LogConfig.SEGMENT_BYTES, "4096", LogConfig.RETENTION_BYTES, "8192"));
        PartitionLog log = openLog(test, config);
        for (int i = 0; i < 40; i++) {
            await(log.appendAsync(TestBatches.batch("s" + i, 2, 400, clock().millis())));
        }
        assertThat(await(log.enforceRetention())).isPositive();
        long start = log.logStartOffset();
        assertThat(start).isPositive();
        assertThat(failureOf(log.readAsync(start - 1, 1000))).isInstanceOf(OffsetOutOfRangeException.class);
        List<KeyAtOffset> kept = readAll(log, start, 1 << 20);
        assertThat(kept.get(0).offset()).isEqualTo(start);
        assertThat(kept.get(kept.size() - 1).offset()).isEqualTo(79);
        long keptBytes = kept.size() / 2 * (long) TestBatches.batch("s0", 2, 400, 0).remaining();
        assertThat(keptBytes).as("at least retention.bytes stays").isGreaterThanOrEqualTo(8192 - 4096);
        assertThat(await(log.enforceRetention())).isZero();
    }

    @Test
    void deleteRecordsMovesTheLogStartIntoASegmentAndItSurvivesReopening(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, config(4096));
        for (int i = 0; i < 30; i++) {
            await(log.appendAsync(TestBatches.batch("d" + i, 2, 400, clock().millis())));
        }
        assertThat(await(log.deleteRecordsBefore(31))).isEqualTo(31);
        assertThat(failureOf(log.readAsync(30, 1000))).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(readAll(log, 31, 1 << 20)).extracting(KeyAtOffset::key).startsWith("d15-1", "d16-0");
        assertThat(await(log.deleteRecordsBefore(5))).as("never moves back").isEqualTo(31);
        assertThat(failureOf(log.deleteRecordsBefore(61))).isInstanceOf(OffsetOutOfRangeException.class);
        await(log.closeAsync());

        PartitionLog reopened = openLog(test, config(4096));
        assertThat(reopened.logStartOffset()).isEqualTo(31);
        assertThat(reopened.highWatermark()).isEqualTo(60);
        assertThat(readAll(reopened, 31, 1 << 20)).hasSize(29);
        assertThat(await(reopened.deleteRecordsBefore(-1))).as("-1 means the high watermark").isEqualTo(60);
        assertThat(await(reopened.appendAsync(TestBatches.single("after", clock().millis()))).baseOffset())
                .isEqualTo(60);
    }

    private static LogConfig compacted(Map<String, String> more) {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of(LogConfig.SEGMENT_BYTES, "4096",
                LogConfig.SEGMENT_MS, "60000", LogConfig.CLEANUP_POLICY, "compact"));
        overrides.putAll(more);
        return LogConfig.DEFAULTS.withOverrides(overrides);
    }

    /**
     * Writes {@code count} updates of ten keys (k3's last one a tombstone), then rolls by age so that a last record
     * opens a segment of its own. Returns everything written, in offset order.
     */
    private List<TestBatches.Entry> writeUpdates(PartitionLog log, int count, String round) throws Exception {
        List<TestBatches.Entry> written = new ArrayList<>();
        long base = log.highWatermark();
        for (int i = 0; i < count; i++) {
            String key = "k" + (i % 10);
            String value = key.equals("k3") && i >= count - 10 ? null : round + "-" + i;
            await(log.appendAsync(TestBatches.keyed(key, value, clock().millis())));
            written.add(new TestBatches.Entry(base + i, key, value));
        }
        clock().advance(61_000);
        await(log.appendAsync(TestBatches.keyed("tail-" + round, "t", clock().millis())));
        written.add(new TestBatches.Entry(base + count, "tail-" + round, "t"));
        return written;
    }

    /** The records a compaction of everything below {@code end} keeps: the last of each key, and all from end. */
    private static List<TestBatches.Entry> latestPerKey(List<TestBatches.Entry> written, long end,
                                                        boolean keepTombstones) {
        Map<String, Long> last = new java.util.HashMap<>();
        written.stream().filter(e -> e.offset() < end).forEach(e -> last.put(e.key(), e.offset()));
        return written.stream().filter(e -> e.offset() >= end
                || last.get(e.key()) == e.offset() && (keepTombstones || e.value() != null)).toList();
    }

    @Test
    void compactionKeepsTheLatestRecordOfEachKeyAtItsOffsetAndSurvivesReopening(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, compacted(Map.of()));
        List<TestBatches.Entry> written = writeUpdates(log, 300, "a");
        assertThat(readEntries(log, 0, 1 << 20)).as("nothing compacted yet").isEqualTo(written);

        CompactionStats stats = await(log.compact());
        List<TestBatches.Entry> expected = latestPerKey(written, 300, true);
        assertThat(expected).hasSize(11).contains(new TestBatches.Entry(293, "k3", null));
        assertThat(stats.recordsRead()).isEqualTo(300);
        assertThat(stats.recordsRemoved()).isEqualTo(290);
        assertThat(stats.bytesAfter()).isLessThan(stats.bytesBefore() / 10);
        assertThat(readEntries(log, 0, 1 << 20)).isEqualTo(expected);
        assertThat(readEntries(log, 0, 1)).as("one batch per read").isEqualTo(expected);
        assertReadsInGapsGoOnAtTheNextRecord(log, expected);
        assertThat(log.logStartOffset()).isZero();

        await(log.closeAsync());
        PartitionLog reopened = openLog(test, compacted(Map.of()));
        assertThat(reopened.highWatermark()).isEqualTo(301);
        assertThat(readEntries(reopened, 0, 1 << 20)).isEqualTo(expected);
        assertReadsInGapsGoOnAtTheNextRecord(reopened, expected);
        assertThat(await(reopened.compact())).as("nothing dirty").isEqualTo(CompactionStats.NONE);
        assertThat(await(reopened.appendAsync(TestBatches.keyed("k1", "after", clock().millis()))).baseOffset())
                .isEqualTo(301);
    }

    @Test
    void maxCompactionLagCompactsADirtySegmentBelowTheDirtyRatio(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, compacted(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.99",
                LogConfig.MAX_COMPACTION_LAG_MS, "300000")));
        List<TestBatches.Entry> written = new ArrayList<>(writeUpdates(log, 300, "a"));
        assertThat(await(log.compact()).recordsRemoved()).as("all dirty: the ratio is met").isEqualTo(290);
        written.addAll(writeUpdates(log, 20, "b"));
        assertThat(await(log.compact())).as("a few dirty records, young").isEqualTo(CompactionStats.NONE);
        clock().advance(300_000);
        assertThat(await(log.compact()).recordsRemoved()).as("dirty for longer than max.compaction.lag.ms")
                .isPositive();
        long end = written.get(written.size() - 1).offset();
        assertThat(readEntries(log, 0, 1 << 20)).isEqualTo(latestPerKey(written, end, true));
    }

    private static void assertReadsInGapsGoOnAtTheNextRecord(PartitionLog log, List<TestBatches.Entry> kept)
            throws Exception {
        for (long offset = 0; offset < log.highWatermark(); offset++) {
            long at = offset;
            TestBatches.Entry next = kept.stream().filter(e -> e.offset() >= at).findFirst().orElseThrow();
            List<TestBatches.Entry> read;
            try (ReadResult result = await(log.readAsync(offset, 1))) {
                read = TestBatches.entries(result.batches());
            }
            assertThat(read.stream().filter(e -> e.offset() >= at).findFirst())
                    .as("first record read at offset %d", offset).contains(next);
        }
    }

    @Test
    void tombstonesGoAfterDeleteRetentionAndLaterRunsCompactAgain(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, compacted(Map.of(LogConfig.DELETE_RETENTION_MS, "90000")));
        List<TestBatches.Entry> written = new ArrayList<>(writeUpdates(log, 100, "a"));
        await(log.compact());
        assertThat(readEntries(log, 0, 1 << 20)).as("the tombstone is young")
                .isEqualTo(latestPerKey(written, 100, true));

        // The second round is larger than what the first left, so the dirty ratio (0.5) is reached.
        written.addAll(writeUpdates(log, 200, "b"));
        clock().advance(60_000);
        CompactionStats stats = await(log.compact());
        assertThat(stats.segmentsRead()).isGreaterThan(1);
        long end = written.get(written.size() - 1).offset();
        List<TestBatches.Entry> expected = latestPerKey(written, end, false);
        assertThat(expected).extracting(TestBatches.Entry::key).doesNotContain("k3")
                .contains("tail-a", "tail-b", "k0");
        assertThat(readEntries(log, 0, 1 << 20)).as("k3's tombstones are past delete.retention.ms")
                .isEqualTo(expected);

        await(log.appendAsync(TestBatches.keyed("k1", "c", clock().millis())));
        assertThat(await(log.compact())).as("a few dirty records are below the dirty ratio")
                .isEqualTo(CompactionStats.NONE);
    }

    @Test
    void compactionWaitsForMinCompactionLag(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, compacted(Map.of(LogConfig.MIN_COMPACTION_LAG_MS, "120000")));
        List<TestBatches.Entry> written = writeUpdates(log, 50, "a");
        assertThat(await(log.compact())).isEqualTo(CompactionStats.NONE);
        assertThat(readEntries(log, 0, 1 << 20)).isEqualTo(written);
        clock().advance(120_000);
        assertThat(await(log.compact()).recordsRemoved()).isEqualTo(40);
    }

    @Test
    void aCompactedLogRefusesRecordsWithoutAKey(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, compacted(Map.of()));
        await(log.appendAsync(TestBatches.keyed("k", "v", clock().millis())));
        Throwable refused = failureOf(log.appendAsync(TestBatches.keyless("v", clock().millis())));
        assertThat(refused).isInstanceOf(InvalidRecordBatchException.class).hasMessageContaining("without key");
        assertThat(((InvalidRecordBatchException) refused).reason())
                .isEqualTo(InvalidRecordBatchException.Reason.INVALID_RECORD);
        assertThat(log.highWatermark()).isEqualTo(1);
        assertThat(await(log.compact())).as("nothing is sealed yet").isEqualTo(CompactionStats.NONE);
    }

    @Test
    void malformedBatchesAreRefusedAndNothingIsWritten(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, LogConfig.DEFAULTS.withOverrides(
                java.util.Map.of(LogConfig.MAX_MESSAGE_BYTES, "2000")));
        await(log.appendAsync(TestBatches.single("first", clock().millis())));

        ByteBuffer badMagic = TestBatches.single("m", clock().millis());
        badMagic.put(16, (byte) 1);
        assertThat(failureOf(log.appendAsync(badMagic))).isInstanceOf(InvalidRecordBatchException.class)
                .hasMessageContaining("magic").extracting(e -> ((InvalidRecordBatchException) e).reason())
                .isEqualTo(InvalidRecordBatchException.Reason.UNSUPPORTED_MAGIC);

        ByteBuffer badCrc = TestBatches.single("c", clock().millis());
        badCrc.put(badCrc.limit() - 1, (byte) (badCrc.get(badCrc.limit() - 1) ^ 0x5a));
        assertThat(failureOf(log.appendAsync(badCrc))).isInstanceOf(InvalidRecordBatchException.class)
                .hasMessageContaining("CRC").extracting(e -> ((InvalidRecordBatchException) e).reason())
                .isEqualTo(InvalidRecordBatchException.Reason.CRC_MISMATCH);

        ByteBuffer truncated = TestBatches.single("t", clock().millis());
        truncated.limit(truncated.limit() - 5);
        assertThat(failureOf(log.appendAsync(truncated))).isInstanceOf(InvalidRecordBatchException.class)
                .extracting(e -> ((InvalidRecordBatchException) e).reason())
                .isEqualTo(InvalidRecordBatchException.Reason.TRUNCATED);

        ByteBuffer header = TestBatches.single("h", clock().millis());
        header.limit(30);
        assertThat(failureOf(log.appendAsync(header))).isInstanceOf(InvalidRecordBatchException.class);

        assertThat(failureOf(log.appendAsync(TestBatches.batch("big", 5, 1000, clock().millis()))))
                .isInstanceOf(RecordBatchTooLargeException.class).hasMessageContaining("max.message.bytes");

        assertThat(log.highWatermark()).isEqualTo(1);
        AppendResult next = await(log.appendAsync(TestBatches.single("second", clock().millis())));
        assertThat(next.baseOffset()).isEqualTo(1);
        assertThat(readAll(log, 0, 1 << 20)).extracting(KeyAtOffset::key).containsExactly("first", "second");
    }

    @Test
    void aSecondWriterFencesTheFirstAndKeepsEverythingAcknowledged(TestInfo test) throws Exception {
        PartitionLog first = openLog(test, config(8192));
        List<CompletableFuture<AppendResult>> firstAppends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            firstAppends.add(first.appendAsync(TestBatches.single("first-" + i, clock().millis())));
            if (i == 60) {
                await(firstAppends.get(30));
            }
        }
        PartitionLog second = openLog(test, config(8192));
        List<String> acknowledged = new ArrayList<>();
        boolean failedSeen = false;
        for (int i = 0; i < firstAppends.size(); i++) {
            try {
                AppendResult r = firstAppends.get(i).get(30, TimeUnit.SECONDS);
                assertThat(failedSeen).as("an append acknowledged after an earlier one failed").isFalse();
                assertThat(r.baseOffset()).isEqualTo(i);
                acknowledged.add("first-" + i);
            } catch (java.util.concurrent.ExecutionException e) {
                failedSeen = true;
            }
        }
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(31);

        assertThat(failureOf(first.appendAsync(TestBatches.single("late", clock().millis()))))
                .isInstanceOf(LogFencedException.class);

        List<String> read = readAll(second, 0, 1 << 20).stream().map(KeyAtOffset::key).toList();
        assertThat(read).as("the new writer sees every acknowledged batch, in order")
                .startsWith(acknowledged.toArray(String[]::new));
        long end = second.highWatermark();
        AppendResult next = await(second.appendAsync(TestBatches.single("second-0", clock().millis())));
        assertThat(next.baseOffset()).isEqualTo(end);
        assertThat(readAll(second, 0, 1 << 20)).extracting(KeyAtOffset::offset)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, end).boxed().toList());
    }

    @Test
    void idempotentProducersSilentForTheExpirationAreForgotten(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, LogConfig.DEFAULTS);
        long sent = clock().millis();
        AppendResult stored = await(log.appendAsync(TestBatches.idempotent(42, (short) 0, 0, 3, sent)));
        assertThat(await(log.appendAsync(TestBatches.idempotent(42, (short) 0, 0, 3, sent))))
                .as("a retry gets the original offsets").isEqualTo(stored);
        clock().advance(59_999);
        assertThat(log.expireProducers(60_000)).isZero();
        clock().advance(1);
        assertThat(log.expireProducers(60_000)).isOne();
        AppendResult again = await(log.appendAsync(TestBatches.idempotent(42, (short) 0, 0, 3, sent)));
        assertThat(again.baseOffset()).as("stored again: the producer is met as new")
                .isEqualTo(stored.lastOffset() + 1);
    }

    @Test
    void appendsAfterCloseFail(TestInfo test) throws Exception {
        PartitionLog log = openLog(test, LogConfig.DEFAULTS);
        await(log.appendAsync(TestBatches.single("a", clock().millis())));
        await(log.closeAsync());
        assertThat(failureOf(log.appendAsync(TestBatches.single("b", clock().millis()))))
                .isInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.appendAsync(TestBatches.single("c", clock().millis())).join())
                .isInstanceOf(CompletionException.class);
    }
}
