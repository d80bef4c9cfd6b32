package io.ledgerstream.log.metadata;

import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;

/**
 * The ACL entries of one resource pattern (a topic, group, cluster or transactional id, by literal name or prefix),
 * as stored in ZooKeeper; immutable, sorted, without duplicates.
 */
public record ResourceAcls(List<AccessControlEntry> entries) {
    private static final Comparator<AccessControlEntry> ORDER = Comparator.comparing(AccessControlEntry::principal)
            .thenComparing(AccessControlEntry::host)
            .thenComparing(e -> e.operation().code())
            .thenComparing(e -> e.permissionType().code());

    // After ORDER, which the constructor uses.
    public static final ResourceAcls EMPTY = new ResourceAcls(List.of());

    public ResourceAcls {
        entries = entries.stream().distinct().sorted(ORDER).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
