package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.AclStore;
import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.metadata.ResourceAcls;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.resource.ResourcePattern;

/**
 * Adds and removes ACLs in ZooKeeper, one resource pattern's node at a time by compare-and-set, tried again when
 * another broker changed the node in between. The brokers' {@link AclAuthorizer}s see the change through their watch.
 *
 * <p>Thread-safe: holds no state beyond the (thread-safe) store.
 */
@ThreadSafe
public final class AclUpdates {
    private static final int ATTEMPTS = 10;

    private final AclStore store;

    public AclUpdates(AclStore store) {
        this.store = store;
    }

    /** Adds one ACL (nothing to do if it is there already). */
    public CompletableFuture<Void> create(AclBinding binding) {
        return update(binding.pattern(), entries -> {
            List<AccessControlEntry> more = new ArrayList<>(entries);
            more.add(binding.entry());
            return more;
        }, ATTEMPTS).thenApply(removed -> null);
    }

    /**
     * Removes the ACLs matching a filter, among the patterns stored in ZooKeeper now.
     *
     * @return the ACLs removed
     */
    public CompletableFuture<List<AclBinding>> delete(AclBindingFilter filter) {
        return store.patterns().thenCompose(stored -> {
            List<CompletableFuture<List<AclBinding>>> deletions = stored.stream()
                    .filter(filter.patternFilter()::matches)
                    .map(pattern -> update(pattern, entries -> entries.stream()
                            .filter(e -> !filter.matches(new AclBinding(pattern, e))).toList(), ATTEMPTS))
                    .toList();
            return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
                    .thenApply(v -> deletions.stream().flatMap(d -> d.join().stream()).toList());
        });
    }

    /** Changes a pattern's entries; completes with the bindings removed. */
    private CompletableFuture<List<AclBinding>> update(ResourcePattern pattern,
                                                      Function<List<AccessControlEntry>, List<AccessControlEntry>> change,
                                                      int attemptsLeft) {
        return store.read(pattern).thenCompose(current -> {
            ResourceAcls next = new ResourceAcls(change.apply(current.value().entries()));
            List<AclBinding> removed = current.value().entries().stream().filter(e -> !next.entries().contains(e))
                    .map(e -> new AclBinding(pattern, e)).toList();
            if (next.equals(current.value())) {
                return CompletableFuture.completedFuture(removed);
            }
            return store.write(pattern, next, current.version()).thenApply(v -> removed);
        }).exceptionallyCompose(e -> Futures.unwrap(e) instanceof MetadataConflictException && attemptsLeft > 1
                ? update(pattern, change, attemptsLeft - 1) : CompletableFuture.failedFuture(e));
    }
}
