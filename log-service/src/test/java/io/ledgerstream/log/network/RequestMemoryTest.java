package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The budget of queued request bytes: a frame gets in whole while any is left, waiters wake once on a release. */
class RequestMemoryTest {

    @Test
    void aFrameGetsInWholeWhileAnyBudgetIsLeftAndWaitersWakeWhenBytesAreReleased() {
        RequestMemory memory = new RequestMemory(100);
        assertThat(memory.tryReserve(60)).isTrue();
        assertThat(memory.tryReserve(500)).as("40 bytes left let a larger frame in").isTrue();
        assertThat(memory.tryReserve(1)).isFalse();
        AtomicInteger woken = new AtomicInteger();
        memory.await(woken::incrementAndGet);
        memory.release(60);
        assertThat(woken.get()).as("still over the limit").isZero();
        memory.release(500);
        assertThat(woken.get()).isEqualTo(1);
        memory.release(0);
        assertThat(woken.get()).as("woken once").isEqualTo(1);
        assertThat(memory.used()).isZero();
        assertThat(memory.pauses()).isEqualTo(1);
    }

    @Test
    void withoutALimitBytesAreCountedAndNeverRefused() {
        RequestMemory memory = new RequestMemory(-1);
        assertThat(memory.tryReserve(Integer.MAX_VALUE)).isTrue();
        assertThat(memory.tryReserve(Integer.MAX_VALUE)).isTrue();
        assertThat(memory.used()).isEqualTo(2L * Integer.MAX_VALUE);
    }
}
