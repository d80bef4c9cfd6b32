package io.ledgerstream.log.quota;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.metadata.ClientQuotas;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client quotas as stored in ZooKeeper ({@link io.ledgerstream.log.metadata.ClientQuotaStore}), followed by a
 * watch so that a quota set, changed or removed through any broker applies on every broker within moments.
 *
 * <p>Thread-safe: Curator's event thread replaces the limits, published through a volatile field.
 */
@ThreadSafe
public final class ClientQuotaCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientQuotaCache.class);

    private final String path;
    private final CuratorCache watch;
    private volatile QuotaLimits limits = QuotaLimits.NONE;

    private ClientQuotaCache(MetadataStore metadata) {
        this.path = metadata.clientQuotas().path();
        this.watch = metadata.cache(path);
    }

    /** Starts following the stored quotas and waits (bounded) until it has read them. */
    public static ClientQuotaCache start(MetadataStore metadata) throws InterruptedException {
        ClientQuotaCache cache = new ClientQuotaCache(metadata);
        CountDownLatch ready = new CountDownLatch(1);
        cache.watch.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> cache.stored(node))
                .forDeletes(node -> cache.deleted(node))
                .forInitialized(ready::countDown)
                .build());
        cache.watch.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            cache.close();
            throw new IllegalStateException("The client quotas could not be read from ZooKeeper");
        }
        return cache;
    }

    /** The quotas in force now. */
    public QuotaLimits limits() {
        return limits;
    }

    private void stored(ChildData node) {
        if (!node.getPath().equals(path)) {
            return;
        }
        try {
            limits = new QuotaLimits(MetadataCodec.decodeClientQuotas(node.getData()));
        } catch (RuntimeException e) {
            // The quotas in force stay: a damaged record should not lift every limit.
            LOG.warn("Ignoring the client quotas at {}: {}", path, e.toString());
        }
    }

    private void deleted(ChildData node) {
        if (node.getPath().equals(path)) {
            limits = new QuotaLimits(ClientQuotas.EMPTY);
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
