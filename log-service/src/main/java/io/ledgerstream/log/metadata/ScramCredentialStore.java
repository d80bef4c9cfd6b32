package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.kafka.common.utils.Sanitizer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Users' SCRAM credentials in ZooKeeper: {@code <root>/config/users/<user>} holds a user's
 * {@link UserScramCredentials}, the user name sanitized as Kafka writes entity names in ZooKeeper (URL-encoded), and
 * changed by compare-and-set on the node version; a user left without credentials has no node.
 *
 * <p>Thread-safe: holds no state beyond the (thread-safe) Curator client.
 */
@ThreadSafe
public final class ScramCredentialStore {
    private final CuratorFramework zk;
    private final String path;

    ScramCredentialStore(CuratorFramework zk, String path) {
        this.zk = zk;
        this.path = path;
    }

    /** The folder of the users' nodes, for watching them. */
    public String path() {
        return path;
    }

    /** The user a node under {@link #path()} is named after. */
    public static String user(String nodeName) {
        return Sanitizer.desanitize(nodeName);
    }

    private String node(String user) {
        return path + "/" + Sanitizer.sanitize(user);
    }

    /** The users with stored credentials. */
    public CompletableFuture<List<String>> users() {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        try {
            zk.getChildren().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> result.complete(event.getChildren().stream().map(ScramCredentialStore::user).toList());
                    case NONODE -> result.complete(List.of());
                    default -> result.completeExceptionally(KeeperException.create(code, path));
                }
            }).forPath(path);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** A user's credentials with the node's version; {@link UserScramCredentials#EMPTY} at -1 when it has none. */
    public CompletableFuture<Versioned<UserScramCredentials>> read(String user) {
        String node = node(user);
        CompletableFuture<Versioned<UserScramCredentials>> result = new CompletableFuture<>();
        try {
            zk.getData().inBackground((BackgroundCallback) (client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                switch (code) {
                    case OK -> {
                        try {
                            result.complete(new Versioned<>(MetadataCodec.decodeScramCredentials(event.getData()),
                                    event.getStat().getVersion()));
                        } catch (MetadataFormatException e) {
                            result.completeExceptionally(e);
                        }
                    }
                    case NONODE -> result.complete(new Versioned<>(UserScramCredentials.EMPTY, -1));
                    default -> result.completeExceptionally(KeeperException.create(code, node));
                }
            }).forPath(node);
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Stores a user's credentials if its node is still at {@code expectedVersion} (-1: if it has none yet); empty
     * credentials delete the node.
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> write(String user, UserScramCredentials credentials, int expectedVersion) {
        String node = node(user);
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
            if (credentials.isEmpty()) {
                if (expectedVersion < 0) {
                    result.complete(null);
                } else {
                    zk.delete().withVersion(expectedVersion).inBackground(callback).forPath(node);
                }
            } else if (expectedVersion < 0) {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).inBackground(callback)
                        .forPath(node, MetadataCodec.encode(credentials));
            } else {
                zk.setData().withVersion(expectedVersion).inBackground(callback)
                        .forPath(node, MetadataCodec.encode(credentials));
            }
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
