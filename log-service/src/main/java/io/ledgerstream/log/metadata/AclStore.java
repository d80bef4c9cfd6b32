package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Sanitizer;

/**
 * ACLs in ZooKeeper: {@code <root>/acls/<resourceType>.<patternType>.<name>} holds the {@link ResourceAcls} of one
 * resource pattern (e.g. {@code TOPIC.PREFIXED.orders-}), the name sanitized as Kafka writes entity names in
 * ZooKeeper (URL-encoded, so it holds no dot or slash), changed by compare-and-set on the node version. A pattern
 * whose entries are all removed keeps its node, empty: a deleted and re-created node would start its version again,
 * and a compare-and-set read before the deletion could then overwrite the new entries.
 *
 * <p>Thread-safe: holds no state beyond the (thread-safe) Curator client.
 */
@ThreadSafe
public final class AclStore {
    private final CuratorFramework zk;
    private final String path;

    AclStore(CuratorFramework zk, String path) {
        this.zk = zk;
        this.path = path;
    }

    /** The folder of the patterns' nodes, for watching them. */
    public String path() {
        return path;
    }

    /** The resource pattern a node under {@link #path()} is named after; null for a name that is not one. */
    public static ResourcePattern pattern(String nodeName) {
        int first = nodeName.indexOf('.');
        int second = first < 0 ? -1 : nodeName.indexOf('.', first + 1);
        if (second < 0) {
            return null;
        }
        ResourceType type = ResourceType.fromString(nodeName.substring(0, first));
        PatternType patternType = PatternType.fromString(nodeName.substring(first + 1, second));
        if (type.isUnknown() || !patternType.isSpecific()) {
            return null;
        }
        return new ResourcePattern(type, Sanitizer.desanitize(nodeName.substring(second + 1)), patternType);
    }

    private String node(ResourcePattern pattern) {
        return path + "/" + pattern.resourceType() + "." + pattern.patternType() + "."
                + Sanitizer.sanitize(pattern.name());
    }

    /** The resource patterns with stored ACLs, read from ZooKeeper. */
    public CompletableFuture<List<ResourcePattern>> patterns() {
        return VersionedNodes.children(zk, path).thenApply(names -> names.stream().map(AclStore::pattern)
                .filter(Objects::nonNull).toList());
    }

    /** A pattern's entries with the node's version; {@link ResourceAcls#EMPTY} at -1 when it has none. */
    public CompletableFuture<Versioned<ResourceAcls>> read(ResourcePattern pattern) {
        return VersionedNodes.read(zk, node(pattern), MetadataCodec::decodeAcls, ResourceAcls.EMPTY);
    }

    /**
     * Stores a pattern's entries if its node is still at {@code expectedVersion} (-1: if it has none yet).
     *
     * @return completes exceptionally with {@link MetadataConflictException} if the node moved on
     */
    public CompletableFuture<Void> write(ResourcePattern pattern, ResourceAcls acls, int expectedVersion) {
        return VersionedNodes.write(zk, node(pattern), MetadataCodec.encode(acls), expectedVersion);
    }
}
