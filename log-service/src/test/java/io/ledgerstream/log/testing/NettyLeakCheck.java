package io.ledgerstream.log.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class after which Netty's leak detector (at PARANOID in this module's tests, recording through
 * {@link RecordingLeakDetector}) reported a buffer garbage-collected without being released. Registered for every
 * test class of the module by JUnit's extension autodetection.
 *
 * <p>Netty finds a leak only when a buffer it tracked has been collected and a later allocation polls its reference
 * queue; so the check collects garbage, then allocates and releases buffers, a few rounds, as Netty's own tests do.
 * A leak found here may come from a class that ran before (the collector decides when), never from none.
 *
 * <p>Thread-safe: stateless.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    private static final int ROUNDS = 6;

    @Override
    public void afterAll(ExtensionContext context) {
        if (!RecordingLeakDetector.installed()) {
            return;
        }
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported after "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    /**
     * Collects garbage and makes Netty look at what was collected: the leaks reported since the last call.
     * Stops early once one is found.
     */
    public static List<String> collect() {
        List<String> leaks = new ArrayList<>();
        for (int round = 0; round < ROUNDS && leaks.isEmpty(); round++) {
            System.gc();
            // Each tracked allocation makes the detector poll the references the collector cleared.
            for (int i = 0; i < 64; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                pooled.release();
                unpooled.release();
            }
            leaks.addAll(RecordingLeakDetector.drain());
        }
        return leaks;
    }
}
