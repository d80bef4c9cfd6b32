package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;

/**
 * The cluster's client quotas in ZooKeeper: one node, {@code <root>/client-quotas}, holds every entity's
 * {@link ClientQuotas}, changed by compare-and-set on the node version; no quotas, no node. Quotas are few (one entry
 * per user or client id given one), so one node keeps a change and its watch simple.
 *
 * <p>Thread-safe: holds no state beyond the (thread-safe) Curator client.
 */
@ThreadSafe
public final class ClientQuotaStore {
    private final CuratorFramework zk;
    private final String path;

    ClientQuotaStore(CuratorFramework zk, String path) {
        this.zk = zk;
        this.path = path;
    }

    /** The node holding the quotas, for watching it. */
    public String path() {
        return path;
    }

    /** The stored quotas with the node's version; {@link ClientQuotas#EMPTY} at -1 when there is no node. */
    public CompletableFuture<Versioned<ClientQuotas>> read() {
        return VersionedNodes.read(zk, path, MetadataCodec::decodeClientQuotas, ClientQuotas.EMPTY);
    }

    /**
     * Stores the quotas if the node is still at {@code expectedVersion} (-1: if there is none yet); no quotas delete
     * the node.
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> write(ClientQuotas quotas, int expectedVersion) {
        return VersionedNodes.write(zk, path, quotas.isEmpty() ? null : MetadataCodec.encode(quotas), expectedVersion);
    }
}
