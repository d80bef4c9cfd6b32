package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;

/**
 * Dynamic broker settings in ZooKeeper: {@code <root>/config/brokers/<id>} for one broker and
 * {@code <root>/config/brokers/default} ({@link #DEFAULT_ENTITY}) for every broker, each a {@link BrokerConfigRecord}
 * changed by compare-and-set on its node version.
 *
 * <p>Thread-safe: holds no state beyond the (thread-safe) Curator client.
 */
@ThreadSafe
public final class BrokerConfigStore {
    /** The node name of the dynamic settings of every broker. */
    public static final String DEFAULT_ENTITY = "default";

    private final CuratorFramework zk;
    private final String path;

    BrokerConfigStore(CuratorFramework zk, String path) {
        this.zk = zk;
        this.path = path;
    }

    /** The folder of the settings' nodes, for watching them. */
    public String path() {
        return path;
    }

    /**
     * The settings stored for {@code entity} (a broker id, or {@link #DEFAULT_ENTITY}) with the node's version;
     * {@link BrokerConfigRecord#EMPTY} at version -1 when none were ever stored.
     */
    public CompletableFuture<Versioned<BrokerConfigRecord>> read(String entity) {
        return VersionedNodes.read(zk, path + "/" + entity, MetadataCodec::decodeBrokerConfig,
                BrokerConfigRecord.EMPTY);
    }

    /**
     * Stores the settings of {@code entity} if its node is still at {@code expectedVersion} (-1: if there is no node
     * yet).
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> write(String entity, BrokerConfigRecord config, int expectedVersion) {
        return VersionedNodes.write(zk, path + "/" + entity, MetadataCodec.encode(config), expectedVersion);
    }
}
