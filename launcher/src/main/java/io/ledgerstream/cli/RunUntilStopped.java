package io.ledgerstream.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a started service running until Ctrl-C or SIGTERM, then closes it cleanly before the JVM exits. */
final class RunUntilStopped {
    private static final Logger LOG = LoggerFactory.getLogger(RunUntilStopped.class);

    private RunUntilStopped() {
    }

    static void await(String what, AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping {}", what);
            try {
                service.close();
            } catch (Exception e) {
                LOG.error("Stopping {} failed: {}", what, Failures.describe(e));
            } finally {
                stopped.countDown();
            }
        }, "ledgerstream-shutdown"));
        LOG.info("Running {}; press Ctrl-C to stop", what);
        stopped.await();
    }
}
