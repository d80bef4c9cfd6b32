package io.ledgerstream.log.security;

import io.ledgerstream.log.metadata.ResourceAcls;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * Every ACL of the cluster at one moment, indexed for checks: by resource type, then by literal name (the
 * {@code *} wildcard among them) or as a list of prefixes. Built once per change, read without locks or allocation.
 * Immutable, so thread-safe: its maps and arrays are never changed after construction.
 */
final class AclIndex {
    static final AclIndex EMPTY = new AclIndex(Map.of());
    private static final KafkaPrincipal WILDCARD_PRINCIPAL = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "*");

    /** One ACL entry, its principal parsed; {@code anyPrincipal} for {@code User:*}, {@code anyHost} for {@code *}. */
    record Entry(KafkaPrincipal principal, boolean anyPrincipal, String host, boolean anyHost, AclOperation operation,
                 boolean allow) {
        /** Whether the entry names this principal connected from this host (an address, as Kafka compares it). */
        boolean names(KafkaPrincipal who, String fromHost) {
            return (anyPrincipal || principal.equals(who)) && (anyHost || host.equals(fromHost));
        }
    }

    /** The entries of one prefixed pattern. */
    record Prefixed(String prefix, Entry[] entries) {
    }

    private final Map<ResourcePattern, ResourceAcls> byPattern;
    private final Map<ResourceType, Map<String, Entry[]>> literal = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Prefixed[]> prefixed = new EnumMap<>(ResourceType.class);

    AclIndex(Map<ResourcePattern, ResourceAcls> byPattern) {
        this.byPattern = Map.copyOf(byPattern);
        Map<ResourceType, List<Prefixed>> prefixes = new EnumMap<>(ResourceType.class);
        for (Map.Entry<ResourcePattern, ResourceAcls> e : this.byPattern.entrySet()) {
            ResourcePattern pattern = e.getKey();
            Entry[] entries = e.getValue().entries().stream().map(AclIndex::entry).toArray(Entry[]::new);
            if (pattern.patternType() == PatternType.PREFIXED) {
                prefixes.computeIfAbsent(pattern.resourceType(), t -> new ArrayList<>())
                        .add(new Prefixed(pattern.name(), entries));
            } else {
                literal.computeIfAbsent(pattern.resourceType(), t -> new HashMap<>()).put(pattern.name(), entries);
            }
        }
        prefixes.forEach((type, list) -> prefixed.put(type, list.toArray(Prefixed[]::new)));
    }

    static Entry entry(AccessControlEntry ace) {
        KafkaPrincipal principal = SecurityUtils.parseKafkaPrincipal(ace.principal());
        // Kafka's only principal wildcard is User:*, and it stands for principals of every type.
        return new Entry(principal, WILDCARD_PRINCIPAL.equals(principal), ace.host(), "*".equals(ace.host()),
                ace.operation(), ace.permissionType() == AclPermissionType.ALLOW);
    }

    /** The entries of a literal name of a type; null when there are none. */
    Entry[] literal(ResourceType type, String name) {
        Map<String, Entry[]> names = literal.get(type);
        return names == null ? null : names.get(name);
    }

    /** The literal names of a type (the {@code *} wildcard among them) with their entries; empty when none. */
    Map<String, Entry[]> literals(ResourceType type) {
        return literal.getOrDefault(type, Map.of());
    }

    /** The prefixed patterns of a type; null when there are none. */
    Prefixed[] prefixed(ResourceType type) {
        return prefixed.get(type);
    }

    /** Every ACL as Kafka's bindings. */
    List<AclBinding> bindings() {
        List<AclBinding> bindings = new ArrayList<>();
        byPattern.forEach((pattern, acls) -> acls.entries().forEach(e -> bindings.add(new AclBinding(pattern, e))));
        return bindings;
    }
}
