package io.ledgerstream.log.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.metadata.AbortedTransaction;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {
    private final ProducerStateTable table = new ProducerStateTable();

    private CompletableFuture<AppendResult> accept(long pid, short epoch, int first, int last, long offset) {
        return accept(pid, epoch, first, last, offset, 0);
    }

    private CompletableFuture<AppendResult> accept(long pid, short epoch, int first, int last, long offset,
                                                   long timestamp) {
        assertThat(table.check(pid, epoch, first, last)).isNull();
        CompletableFuture<AppendResult> future = CompletableFuture.completedFuture(
                new AppendResult(offset, offset + last - first));
        table.record(pid, epoch, first, last, offset, offset + last - first, timestamp, future);
        return future;
    }

    @Test
    void inSequenceBatchesAreAcceptedAndARetryGetsTheOriginalOffsets() {
        CompletableFuture<AppendResult> first = accept(7, (short) 0, 0, 9, 100);
        accept(7, (short) 0, 10, 14, 110);
        assertThat(table.check(7, (short) 0, 0, 9)).isSameAs(first);
        assertThat(table.check(7, (short) 0, 15, 20)).isNull();
    }

    @Test
    void gapsOldEpochsAndNewEpochsNotAtZeroAreRefused() {
        accept(7, (short) 1, 0, 4, 0);
        assertThatThrownBy(() -> table.check(7, (short) 1, 6, 8)).isInstanceOf(OutOfOrderSequenceException.class)
                .hasMessageContaining("5 was expected");
        assertThatThrownBy(() -> table.check(7, (short) 0, 5, 8)).isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> table.check(7, (short) 2, 5, 8)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(table.check(7, (short) 2, 0, 3)).as("a bumped epoch restarts at 0").isNull();
        assertThatThrownBy(() -> table.check(8, (short) 0, 3, 4)).as("unknown producer")
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        for (int i = 0; i < 6; i++) {
            accept(1, (short) 0, i * 10, i * 10 + 9, i * 10L);
        }
        assertThatThrownBy(() -> table.check(1, (short) 0, 0, 9)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(table.check(1, (short) 0, 10, 19)).isNotNull();
    }

    @Test
    void sequencesWrapAfterIntegerMaxValue() {
        accept(3, (short) 0, 0, 0, 0);
        // Jump near the wrap through a replayed batch is not possible with check(); record directly.
        table.record(3, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 1, 2, 0,
                CompletableFuture.completedFuture(null));
        assertThat(table.check(3, (short) 0, 0, 5)).isNull();
    }

    @Test
    void producersSilentForTheExpirationAreForgottenByTheirLastBatchTimestamp() {
        accept(1, (short) 0, 0, 4, 0, 1_000);
        accept(1, (short) 0, 5, 9, 5, 5_000);
        accept(2, (short) 0, 0, 4, 10, 2_000);
        assertThat(table.expire(6_999, 5_000)).as("producer 2 is 4,999 ms silent").isZero();
        assertThat(table.expire(7_000, 5_000)).isOne();
        assertThat(table.size()).isOne();
        assertThatThrownBy(() -> table.check(2, (short) 0, 5, 9)).as("met as new")
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(table.check(1, (short) 0, 10, 14)).as("producer 1 is remembered").isNull();
        assertThat(table.expire(10_000, 5_000)).isOne();
        assertThat(table.size()).isZero();
    }

    @Test
    void aSnapshotHoldsOnlyBatchesBelowItsOffsetAndRestoresThem() {
        CompletableFuture<AppendResult> first = accept(1, (short) 2, 0, 4, 0, 1_000);
        accept(1, (short) 2, 5, 9, 5, 2_000);
        accept(2, (short) 0, 0, 0, 10, 3_000);
        io.ledgerstream.log.metadata.ProducerSnapshot snapshot = table.snapshot(10);
        assertThat(snapshot.offset()).isEqualTo(10);
        assertThat(snapshot.producers()).as("producer 2's batch at 10 is not acknowledged yet").hasSize(1);

        ProducerStateTable restored = new ProducerStateTable();
        restored.restore(snapshot);
        assertThat(restored.check(1, (short) 2, 0, 4).join()).isEqualTo(first.join());
        assertThat(restored.check(1, (short) 2, 10, 12)).isNull();
        assertThat(restored.check(2, (short) 0, 0, 0)).as("producer 2 is new to the restored table").isNull();
    }

    @Test
    void transactionsBoundTheLastStableOffsetAndAbortsEnterTheIndex() {
        assertThat(table.firstUnstableOffset()).isEqualTo(Long.MAX_VALUE);
        accept(7, (short) 0, 0, 1, 10);
        table.beginTransaction(7, 10);
        accept(8, (short) 0, 0, 0, 12);
        table.beginTransaction(8, 12);
        table.beginTransaction(7, 13);
        assertThat(table.firstUnstableOffset()).as("the oldest open transaction").isEqualTo(10);
        assertThat(table.hasOpenTransaction(7)).isTrue();

        table.fence(7, (short) 0, 2);
        table.completeTransaction(7, 14, false, 0);
        assertThat(table.firstUnstableOffset()).isEqualTo(12);
        assertThat(table.aborted().overlapping(0, 100)).containsExactly(new AbortedTransaction(7, 10, 14));
        assertThat(table.aborted().isAborted(7, 13)).isTrue();
        assertThat(table.aborted().isAborted(8, 13)).isFalse();

        table.fence(8, (short) 0, 2);
        table.completeTransaction(8, 15, true, 0);
        assertThat(table.firstUnstableOffset()).isEqualTo(Long.MAX_VALUE);
        assertThat(table.aborted().overlapping(15, 100)).as("ends before the range").isEmpty();
    }

    @Test
    void markersOfAnOlderCoordinatorOrProducerEpochAreRefusedAndANewerEpochFences() {
        accept(7, (short) 3, 0, 0, 0);
        table.fence(7, (short) 4, 5);
        assertThatThrownBy(() -> table.check(7, (short) 3, 1, 1)).as("the old epoch is fenced")
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThat(table.check(7, (short) 4, 0, 0)).as("the new epoch starts at sequence 0").isNull();
        assertThatThrownBy(() -> table.fence(7, (short) 4, 4))
                .isInstanceOf(org.apache.kafka.common.errors.TransactionCoordinatorFencedException.class);
        assertThatThrownBy(() -> table.fence(7, (short) 3, 5)).isInstanceOf(InvalidProducerEpochException.class);
        assertThat(table.active()).singleElement().satisfies(p -> assertThat(p.coordinatorEpoch()).isEqualTo(5));
    }
}
