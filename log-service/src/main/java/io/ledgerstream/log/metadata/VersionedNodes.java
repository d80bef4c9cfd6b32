package io.ledgerstream.log.metadata;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * One ZooKeeper node holding a record, read with its version and changed by compare-and-set on that version, in the
 * background: the stores of settings and credentials share it; and the names of a folder's nodes.
 */
final class VersionedNodes {
    private VersionedNodes() {
    }

    /** The node's record decoded, with its version; {@code absent} at version -1 when there is no node. */
    static <T> CompletableFuture<Versioned<T>> read(CuratorFramework zk, String node, Function<byte[], T> decode,
                                                    T absent) {
        CompletableFuture<Versioned<T>> result = new CompletableFuture<>();
        try {
            zk.getData().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> {
                        try {
                            result.complete(new Versioned<>(decode.apply(event.getData()),
                                    event.getStat().getVersion()));
                        } catch (MetadataFormatException e) {
                            result.completeExceptionally(e);
                        }
                    }
                    case NONODE -> result.complete(new Versioned<>(absent, -1));
                    default -> result.completeExceptionally(KeeperException.create(code, node));
                }
            }).forPath(node);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Writes the node if it is still at {@code expectedVersion} (-1: if there is none yet): creates it, sets it, or,
     * when {@code bytes} is null, deletes it (nothing to do when there is none).
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    static CompletableFuture<Void> write(CuratorFramework zk, String node, byte[] bytes, int expectedVersion) {
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
            if (bytes == null) {
                if (expectedVersion < 0) {
                    result.complete(null);
                } else {
                    zk.delete().withVersion(expectedVersion).inBackground(callback).forPath(node);
                }
            } else if (expectedVersion < 0) {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).inBackground(callback)
                        .forPath(node, bytes);
            } else {
                zk.setData().withVersion(expectedVersion).inBackground(callback).forPath(node, bytes);
            }
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** The names of the nodes under {@code parent}; none when it does not exist. */
    static CompletableFuture<List<String>> children(CuratorFramework zk, String parent) {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        try {
            zk.getChildren().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> result.complete(List.copyOf(event.getChildren()));
                    case NONODE -> result.complete(List.of());
                    default -> result.completeExceptionally(KeeperException.create(code, parent));
                }
            }).forPath(parent);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
