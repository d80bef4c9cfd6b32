package io.ledgerstream.log.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check can fail: a buffer dropped without release is reported, one released is not. */
class NettyLeakCheckTest {

    @Test
    void aBufferGarbageCollectedWithoutReleaseIsReportedAndAReleasedOneIsNot() {
        assumeTrue(RecordingLeakDetector.installed(), "runs where the module's tests install the recording detector");
        NettyLeakCheck.collect();

        ByteBuf released = PooledByteBufAllocator.DEFAULT.directBuffer(32).writeLong(42);
        released.touch("released by the test");
        released.release();
        assertThat(NettyLeakCheck.collect()).as("nothing leaked yet").isEmpty();

        leakOne();
        List<String> leaks = new ArrayList<>();
        // The collector decides when the dropped buffer is found: look a bounded number of times.
        for (int attempt = 0; attempt < 10 && leaks.isEmpty(); attempt++) {
            leaks.addAll(NettyLeakCheck.collect());
        }
        assertThat(leaks).as("the leak made on purpose").isNotEmpty()
                .anySatisfy(report -> assertThat(report).contains("leaked on purpose by NettyLeakCheckTest"));
    }

    /** Allocates a buffer and drops it unreleased; its last access names it in the report. */
    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(32).writeLong(7);
        leaked.touch("leaked on purpose by NettyLeakCheckTest");
    }
}
