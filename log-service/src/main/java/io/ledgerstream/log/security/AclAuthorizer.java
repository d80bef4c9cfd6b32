package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.AuthorizerConfig;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.AclStore;
import io.ledgerstream.log.metadata.ResourceAcls;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a principal may perform an operation on a resource, with Kafka's rules: super users may do
 * everything; a deny ACL (for the operation or ALL) wins over any allow; an allow ACL for ALL or for an operation
 * that implies the one asked for (Read, Write, Delete or Alter imply Describe; AlterConfigs implies DescribeConfigs)
 * allows it; ACLs match by literal name, the {@code *} wildcard or prefix, by principal or {@code User:*}, and by
 * host or {@code *}; a resource without any ACL is allowed only with {@code allow.everyone.if.no.acl.found}. ACLs are
 * followed in ZooKeeper ({@link AclStore}) by a watch, so a change made through any broker holds here within moments.
 *
 * <p>Thread-safe: the ACLs are an immutable {@link AclIndex} swapped whole (volatile) by Curator's event thread.
 */
@ThreadSafe
public final class AclAuthorizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AclAuthorizer.class);
    /** The name Kafka asks about first when it authorizes by resource type: one that no literal ACL names. */
    private static final String PROBE_NAME = "hardcode";

    private final AuthorizerConfig config;
    private final String path;
    private final CuratorCache watch;
    private final Map<ResourcePattern, ResourceAcls> stored = new ConcurrentHashMap<>();
    private volatile AclIndex index = AclIndex.EMPTY;
    /** Set by Curator's event thread once it delivered the nodes first read; only that thread reads it. */
    private boolean initialized;

    private AclAuthorizer(AuthorizerConfig config, MetadataStore metadata) {
        this.config = config;
        this.path = metadata == null ? null : metadata.acls().path();
        this.watch = metadata == null ? null : metadata.cache(path);
    }

    /** An authorizer that allows everything: ACLs are not enforced. */
    public static AclAuthorizer disabled() {
        return new AclAuthorizer(AuthorizerConfig.DISABLED, null);
    }

    /**
     * Starts following the stored ACLs and waits (bounded) until it has read them; with ACLs not enforced, an
     * authorizer that allows everything.
     */
    public static AclAuthorizer start(AuthorizerConfig config, MetadataStore metadata) throws InterruptedException {
        if (!config.enabled()) {
            return disabled();
        }
        AclAuthorizer authorizer = new AclAuthorizer(config, metadata);
        CountDownLatch ready = new CountDownLatch(1);
        authorizer.watch.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> authorizer.stored(node))
                .forDeletes(authorizer::deleted)
                .forInitialized(() -> {
                    // The index is built once for all the ACLs first read, not once per node.
                    authorizer.initialized = true;
                    authorizer.rebuild();
                    ready.countDown();
                })
                .build());
        authorizer.watch.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            authorizer.close();
            throw new IllegalStateException("The ACLs could not be read from ZooKeeper");
        }
        return authorizer;
    }

    /** Whether ACLs are enforced (otherwise everything is allowed and the ACL APIs answer SECURITY_DISABLED). */
    public boolean enabled() {
        return config.enabled();
    }

    /** Every ACL as this broker knows it. */
    public List<AclBinding> acls() {
        return index.bindings();
    }

    /** Whether {@code principal}, connected from {@code client}, may perform {@code operation} on the resource. */
    public boolean authorize(KafkaPrincipal principal, SocketAddress client, AclOperation operation,
                             ResourceType type, String name) {
        if (!config.enabled() || config.superUsers().contains(principal)) {
            return true;
        }
        AclIndex acls = index;
        Match match = new Match(principal, client, operation);
        match.check(acls.literal(type, name));
        match.check(acls.literal(type, ResourcePattern.WILDCARD_RESOURCE));
        AclIndex.Prefixed[] prefixes = acls.prefixed(type);
        if (prefixes != null) {
            for (AclIndex.Prefixed prefixed : prefixes) {
                if (name.startsWith(prefixed.prefix())) {
                    match.check(prefixed.entries());
                }
            }
        }
        if (match.denied) {
            return false;
        }
        return match.allowed || (!match.anyAcl && config.allowEveryoneIfNoAclFound());
    }

    /**
     * Whether {@code principal} may perform {@code operation} on some resource of the type, as Kafka's
     * {@code authorizeByResourceType} decides it: allowed if it would be on a name no ACL names; denied by a deny on
     * every name ({@code *}); otherwise allowed if some literal or prefixed allow (for the operation itself or ALL)
     * is not covered by a deny of the same literal name or of a prefix of it. Kafka asks this for idempotent
     * producers (Write on any topic).
     */
    public boolean authorizeAny(KafkaPrincipal principal, SocketAddress client, AclOperation operation,
                                ResourceType type) {
        if (authorize(principal, client, operation, type, PROBE_NAME)) {
            return true;
        }
        AclIndex acls = index;
        String host = hostOf(client);
        Set<String> literalDenied = new HashSet<>();
        Set<String> prefixDenied = new HashSet<>();
        List<String> literalAllowed = new ArrayList<>();
        List<String> prefixAllowed = new ArrayList<>();
        boolean anyNameAllowed = false;
        for (Map.Entry<String, AclIndex.Entry[]> named : acls.literals(type).entrySet()) {
            for (AclIndex.Entry entry : named.getValue()) {
                if (!entry.names(principal, host)
                        || entry.operation() != operation && entry.operation() != AclOperation.ALL) {
                    continue;
                }
                boolean wildcard = ResourcePattern.WILDCARD_RESOURCE.equals(named.getKey());
                if (!entry.allow()) {
                    if (wildcard) {
                        return false;
                    }
                    literalDenied.add(named.getKey());
                } else if (wildcard) {
                    anyNameAllowed = true;
                } else {
                    literalAllowed.add(named.getKey());
                }
            }
        }
        AclIndex.Prefixed[] prefixes = acls.prefixed(type);
        for (AclIndex.Prefixed prefixed : prefixes == null ? new AclIndex.Prefixed[0] : prefixes) {
            for (AclIndex.Entry entry : prefixed.entries()) {
                if (entry.names(principal, host)
                        && (entry.operation() == operation || entry.operation() == AclOperation.ALL)) {
                    (entry.allow() ? prefixAllowed : prefixDenied).add(prefixed.prefix());
                }
            }
        }
        if (anyNameAllowed) {
            return true;
        }
        for (String name : literalAllowed) {
            if (!literalDenied.contains(name) && !deniedByPrefix(name, prefixDenied)) {
                return true;
            }
        }
        for (String prefix : prefixAllowed) {
            if (!deniedByPrefix(prefix, prefixDenied)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a prefixed deny covers the name: the name, or one of its beginnings, is a denied prefix. */
    private static boolean deniedByPrefix(String name, Set<String> prefixDenied) {
        for (int end = 1; end <= name.length() && !prefixDenied.isEmpty(); end++) {
            if (prefixDenied.contains(name.substring(0, end))) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(SocketAddress client) {
        return client instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "";
    }

    /** The outcome of matching the entries of the patterns that name one resource. */
    private static final class Match {
        private final KafkaPrincipal principal;
        private final SocketAddress client;
        private final AclOperation operation;
        private String host;
        boolean anyAcl;
        boolean allowed;
        boolean denied;

        Match(KafkaPrincipal principal, SocketAddress client, AclOperation operation) {
            this.principal = principal;
            this.client = client;
            this.operation = operation;
        }

        void check(AclIndex.Entry[] entries) {
            if (entries == null || entries.length == 0) {
                return;
            }
            anyAcl = true;
            for (AclIndex.Entry entry : entries) {
                if (!entry.names(principal, host())) {
                    continue;
                }
                if (entry.allow()) {
                    allowed |= implies(entry.operation(), operation);
                } else {
                    denied |= entry.operation() == AclOperation.ALL || entry.operation() == operation;
                }
            }
        }

        private String host() {
            if (host == null) {
                host = hostOf(client);
            }
            return host;
        }
    }

    /** Whether an allow ACL for {@code granted} allows {@code asked}. */
    static boolean implies(AclOperation granted, AclOperation asked) {
        if (granted == asked || granted == AclOperation.ALL) {
            return true;
        }
        return switch (asked) {
            case DESCRIBE -> granted == AclOperation.READ || granted == AclOperation.WRITE
                    || granted == AclOperation.DELETE || granted == AclOperation.ALTER;
            case DESCRIBE_CONFIGS -> granted == AclOperation.ALTER_CONFIGS;
            default -> false;
        };
    }

    private void stored(ChildData node) {
        ResourcePattern pattern = pattern(node);
        if (pattern == null) {
            return;
        }
        ResourceAcls acls;
        try {
            acls = MetadataCodec.decodeAcls(node.getData());
        } catch (RuntimeException e) {
            // Dropping the pattern would also drop its denies: what it held before stays in force.
            LOG.error("Cannot read the ACLs of {} at {}; its previous ACLs stay in force: {}", pattern,
                    node.getPath(), e.toString());
            return;
        }
        List<AccessControlEntry> valid = new ArrayList<>();
        for (AccessControlEntry entry : acls.entries()) {
            try {
                SecurityUtils.parseKafkaPrincipal(entry.principal());
                valid.add(entry);
            } catch (IllegalArgumentException e) {
                // No principal can match it, so leaving it out changes no decision; kept, it would stop every rebuild.
                LOG.warn("Ignoring an ACL of {} with an unreadable principal {}", pattern, entry.principal());
            }
        }
        stored.put(pattern, new ResourceAcls(valid));
        rebuild();
    }

    private void deleted(ChildData node) {
        ResourcePattern pattern = pattern(node);
        if (pattern != null) {
            stored.remove(pattern);
            rebuild();
        }
    }

    private void rebuild() {
        if (!initialized) {
            return;
        }
        try {
            index = new AclIndex(stored);
        } catch (RuntimeException e) {
            LOG.error("Could not index the ACLs; the previous ones stay in force", e);
        }
    }

    private ResourcePattern pattern(ChildData node) {
        String nodePath = node.getPath();
        if (!nodePath.startsWith(path + "/")) {
            return null;
        }
        return AclStore.pattern(nodePath.substring(path.length() + 1));
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
