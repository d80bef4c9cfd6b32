package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.AuthorizerConfig;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.AclStore;
import io.ledgerstream.log.metadata.ResourceAcls;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
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

    private final AuthorizerConfig config;
    private final String path;
    private final CuratorCache watch;
    private final Map<ResourcePattern, ResourceAcls> stored = new ConcurrentHashMap<>();
    private volatile AclIndex index = AclIndex.EMPTY;

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
                .forInitialized(ready::countDown)
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
     * Whether {@code principal} may perform {@code operation} on some resource of the type: an allow ACL names it on
     * one (denies of other resources are not weighed against it), or the type has no ACL at all and
     * {@code allow.everyone.if.no.acl.found} is set. Kafka asks this for idempotent producers (Write on any topic).
     */
    public boolean authorizeAny(KafkaPrincipal principal, SocketAddress client, AclOperation operation,
                                ResourceType type) {
        if (!config.enabled() || config.superUsers().contains(principal)) {
            return true;
        }
        AclIndex acls = index;
        if (!acls.hasAny(type)) {
            return config.allowEveryoneIfNoAclFound();
        }
        Match match = new Match(principal, client, operation);
        for (AclBinding binding : acls.bindings()) {
            if (binding.pattern().resourceType() == type) {
                match.check(new AclIndex.Entry[] {AclIndex.entry(binding.entry())});
                if (match.allowed && !match.denied) {
                    return true;
                }
                match.denied = false;
            }
        }
        return false;
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
                if (!entry.anyPrincipal() && !entry.principal().equals(principal)
                        || entry.anyPrincipal() && !entry.principal().getPrincipalType()
                        .equals(principal.getPrincipalType())) {
                    continue;
                }
                if (!entry.anyHost() && !entry.host().equals(host())) {
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
                host = client instanceof InetSocketAddress inet && inet.getAddress() != null
                        ? inet.getAddress().getHostAddress() : "";
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
        try {
            stored.put(pattern, MetadataCodec.decodeAcls(node.getData()));
        } catch (RuntimeException e) {
            // A damaged record allows nothing it allowed and denies nothing it denied: it is left out and logged.
            LOG.warn("Ignoring the ACLs of {} at {}: {}", pattern, node.getPath(), e.toString());
            stored.remove(pattern);
        }
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
