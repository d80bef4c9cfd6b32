package io.ledgerstream.log.testing;

import com.google.errorprone.annotations.ThreadSafe;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, as the tests install it ({@code io.netty.customResourceLeakDetector}): it logs a leak as
 * Netty's does and also records it, so that {@link NettyLeakCheck} can fail the test class after which it was found.
 *
 * <p>Thread-safe: Netty reports from whichever thread allocates.
 *
 * @param <T> the tracked resource's type
 */
@ThreadSafe
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> REPORTS = new ArrayList<>();

    /** The constructor Netty's factory calls for a custom detector. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Whether the tests' JVM runs with this detector installed. */
    public static boolean installed() {
        return RecordingLeakDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }

    /** The leaks reported since the last call, taken off. */
    public static List<String> drain() {
        synchronized (REPORTS) {
            List<String> taken = new ArrayList<>(REPORTS);
            REPORTS.clear();
            return taken;
        }
    }

    private static void record(String report) {
        synchronized (REPORTS) {
            REPORTS.add(report);
        }
    }

    /** Always: a leak must be seen even when the log level hides Netty's own error line. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
        record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected (untraced).");
    }
}
