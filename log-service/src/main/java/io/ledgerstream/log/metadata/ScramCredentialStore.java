package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.utils.Sanitizer;

/**
 * Users' SCRAM credentials in ZooKeeper: {@code <root>/config/users/<user>} holds a user's
 * {@link UserScramCredentials}, the user name sanitized as Kafka writes entity names in ZooKeeper (URL-encoded), and
 * changed by compare-and-set on the node version. A user whose credentials are all removed keeps its node, empty,
 * which means no credentials: a deleted and re-created node would start its version again, and a compare-and-set
 * read before the deletion could then overwrite the new credentials.
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

    /** The users with a node: those with credentials, and those whose credentials were all removed. */
    public CompletableFuture<List<String>> users() {
        return VersionedNodes.children(zk, path).thenApply(names -> names.stream()
                .map(ScramCredentialStore::user).toList());
    }

    /** A user's credentials with the node's version; {@link UserScramCredentials#EMPTY} at -1 when it has none. */
    public CompletableFuture<Versioned<UserScramCredentials>> read(String user) {
        return VersionedNodes.read(zk, node(user), MetadataCodec::decodeScramCredentials, UserScramCredentials.EMPTY);
    }

    /**
     * Stores a user's credentials if its node is still at {@code expectedVersion} (-1: if it has none yet); empty
     * credentials are stored as such, keeping the node.
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> write(String user, UserScramCredentials credentials, int expectedVersion) {
        return VersionedNodes.write(zk, node(user), MetadataCodec.encode(credentials), expectedVersion);
    }
}
