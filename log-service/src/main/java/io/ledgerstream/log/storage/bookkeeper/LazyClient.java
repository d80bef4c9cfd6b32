package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.CompletableFuture;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BookKeeper client built on first use, on a thread of its own (building one connects to ZooKeeper): the client of
 * deferred-sync ledgers, which need BookKeeper's v3 protocol ({@code force} and write flags do not exist in v2)
 * while the broker's main client speaks v2.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
final class LazyClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LazyClient.class);

    private final ClientConfiguration conf;
    @GuardedBy("this")
    private CompletableFuture<BookKeeper> client;
    @GuardedBy("this")
    private boolean closed;

    LazyClient(ClientConfiguration conf) {
        this.conf = conf;
    }

    /** The client, built by the first call. */
    synchronized CompletableFuture<BookKeeper> get() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the BookKeeper client is closed"));
        }
        if (client == null || client.isCompletedExceptionally()) {
            client = CompletableFuture.supplyAsync(() -> {
                try {
                    return BookKeeper.newBuilder(conf).build();
                } catch (Exception e) {
                    throw new IllegalStateException("Building the BookKeeper client of deferred-sync ledgers failed",
                            e);
                }
            }, runnable -> new Thread(runnable, "bookkeeper-v3-client-start").start());
        }
        return client;
    }

    /** Closes the client if it was built. */
    @Override
    public void close() {
        CompletableFuture<BookKeeper> built;
        synchronized (this) {
            closed = true;
            built = client;
        }
        if (built == null) {
            return;
        }
        try {
            built.join().close();
        } catch (Exception e) {
            LOG.warn("Closing the BookKeeper client of deferred-sync ledgers failed: {}", e.toString());
        }
    }
}
