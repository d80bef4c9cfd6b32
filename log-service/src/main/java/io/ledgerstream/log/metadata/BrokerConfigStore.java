package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

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
        String node = path + "/" + entity;
        CompletableFuture<Versioned<BrokerConfigRecord>> result = new CompletableFuture<>();
        try {
            zk.getData().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> {
                        try {
                            result.complete(new Versioned<>(MetadataCodec.decodeBrokerConfig(event.getData()),
                                    event.getStat().getVersion()));
                        } catch (MetadataFormatException e) {
                            result.completeExceptionally(e);
                        }
                    }
                    case NONODE -> result.complete(new Versioned<>(BrokerConfigRecord.EMPTY, -1));
                    default -> result.completeExceptionally(KeeperException.create(code, node));
                }
            }).forPath(node);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Stores the settings of {@code entity} if its node is still at {@code expectedVersion} (-1: if there is no node
     * yet).
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> write(String entity, BrokerConfigRecord config, int expectedVersion) {
        String node = path + "/" + entity;
        CompletableFuture<Void> result = new CompletableFuture<>();
        BackgroundCallback callback = (client, event) -> {
            KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
            switch (code) {
                case OK -> result.complete(null);
                case BADVERSION, NODEEXISTS, NONODE ->
                        result.completeExceptionally(new MetadataConflictException(node));
                default -> result.completeExceptionally(KeeperException.create(code, node));
            }
        };
        try {
            if (expectedVersion < 0) {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).inBackground(callback)
                        .forPath(node, MetadataCodec.encode(config));
            } else {
                zk.setData().withVersion(expectedVersion).inBackground(callback)
                        .forPath(node, MetadataCodec.encode(config));
            }
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
