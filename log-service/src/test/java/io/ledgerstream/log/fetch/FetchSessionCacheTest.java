package io.ledgerstream.log.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidFetchSessionEpochException;
import org.junit.jupiter.api.Test;

class FetchSessionCacheTest {
    private static final FetchedPartition A = new FetchedPartition(Uuid.ZERO_UUID, "t", 0);
    private static final FetchedPartition B = new FetchedPartition(Uuid.ZERO_UUID, "t", 1);
    private static final FetchedPartition C = new FetchedPartition(Uuid.ZERO_UUID, "t", 2);

    private final AtomicLong now = new AtomicLong();

    private static Map<FetchedPartition, FetchPosition> positions(FetchedPartition... partitions) {
        Map<FetchedPartition, FetchPosition> map = new LinkedHashMap<>();
        for (FetchedPartition p : partitions) {
            map.put(p, new FetchPosition(0, 1024, -1));
        }
        return map;
    }

    @Test
    void aFullCacheGivesNoSessionUntilTheLeastRecentlyUsedOneHasBeenIdleLongEnough() {
        FetchSessionCache cache = new FetchSessionCache(2, 1000, now::get);
        FetchSession first = cache.create(false, positions(A)).orElseThrow();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        FetchSession second = cache.create(false, positions(B)).orElseThrow();
        assertThat(cache.create(false, positions(C))).as("full, nobody idle long enough").isEmpty();

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(995));
        assertThat(cache.create(false, positions(C))).as("the oldest has been idle 1005 ms").isPresent();
        assertThat(cache.get(first.id())).isEmpty();
        assertThat(cache.get(second.id())).contains(second);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void noSlotsMeansNoSessions() {
        assertThat(new FetchSessionCache(0, 1000, now::get).create(false, positions(A))).isEmpty();
    }

    @Test
    void incrementalUpdatesCheckTheEpochAddChangeAndForgetPartitions() {
        FetchSession session = new FetchSessionCache(1, 1000, now::get).create(true, positions(A, B)).orElseThrow();
        assertThat(session.nextEpoch()).isEqualTo(1);
        assertThatThrownBy(() -> session.update(2, Map.of(), List.of(), 0))
                .isInstanceOf(InvalidFetchSessionEpochException.class).hasMessageContaining("expected epoch 1");

        Map<FetchedPartition, FetchPosition> all = session.update(1, Map.of(B, new FetchPosition(7, 1024, 3),
                C, new FetchPosition(0, 1024, -1)), List.of(A), 0);
        assertThat(all).containsExactly(Map.entry(B, new FetchPosition(7, 1024, 3)),
                Map.entry(C, new FetchPosition(0, 1024, -1)));
        assertThat(session.nextEpoch()).isEqualTo(2);
    }

    @Test
    void aPartitionIsSentWhenItHasRecordsAnErrorOrNewOffsetsAndMovesBackWhenItHadRecords() {
        FetchSession session = new FetchSessionCache(1, 1000, now::get).create(false, positions(A, B, C))
                .orElseThrow();
        SentState offsets = new SentState(10, 10, 0);
        assertThat(session.mustSend(A, false, false, offsets)).as("never sent before").isTrue();
        assertThat(session.mustSend(A, false, false, offsets)).as("nothing new").isFalse();
        assertThat(session.mustSend(A, false, true, offsets)).as("an error").isTrue();
        assertThat(session.mustSend(A, false, false, new SentState(11, 10, 0))).as("a new high watermark").isTrue();
        assertThat(session.mustSend(B, false, false, offsets)).isTrue();
        assertThat(session.partitions()).containsExactly(A, B, C);
        assertThat(session.mustSend(A, true, false, new SentState(11, 10, 0))).as("records").isTrue();
        assertThat(session.partitions()).as("served partitions go last").containsExactly(B, C, A);
    }
}
