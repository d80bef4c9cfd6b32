package io.ledgerstream.log.group.consumer;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.apache.kafka.common.Uuid;

/** An immutable set of partitions, by topic id, as the consumer group protocol names them. */
public final class PartitionSet {
    public static final PartitionSet EMPTY = new PartitionSet(new TreeMap<>());

    private final TreeMap<Uuid, SortedSet<Integer>> partitions;

    private PartitionSet(TreeMap<Uuid, SortedSet<Integer>> partitions) {
        this.partitions = partitions;
    }

    /** Collects partitions one by one. */
    public static final class Builder {
        private final TreeMap<Uuid, SortedSet<Integer>> partitions = new TreeMap<>();

        public Builder add(Uuid topic, int partition) {
            partitions.computeIfAbsent(topic, t -> new TreeSet<>()).add(partition);
            return this;
        }

        public Builder addAll(PartitionSet set) {
            set.forEach(this::add);
            return this;
        }

        public PartitionSet build() {
            if (partitions.isEmpty()) {
                return EMPTY;
            }
            TreeMap<Uuid, SortedSet<Integer>> copy = new TreeMap<>();
            partitions.forEach((t, p) -> copy.put(t, Collections.unmodifiableSortedSet(new TreeSet<>(p))));
            return new PartitionSet(copy);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static PartitionSet of(Map<Uuid, ? extends Iterable<Integer>> partitions) {
        Builder builder = builder();
        partitions.forEach((t, ps) -> ps.forEach(p -> builder.add(t, p)));
        return builder.build();
    }

    public boolean contains(Uuid topic, int partition) {
        SortedSet<Integer> set = partitions.get(topic);
        return set != null && set.contains(partition);
    }

    public boolean isEmpty() {
        return partitions.isEmpty();
    }

    public int size() {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }

    /** The topics, each with its partitions in ascending order. */
    public Map<Uuid, SortedSet<Integer>> byTopic() {
        return Collections.unmodifiableMap(partitions);
    }

    /** Calls {@code action} for each partition, by topic id then partition. */
    public void forEach(BiConsumer<Uuid, Integer> action) {
        partitions.forEach((t, ps) -> ps.forEach(p -> action.accept(t, p)));
    }

    /** The partitions for which {@code keep} holds. */
    public PartitionSet filter(BiPredicate<Uuid, Integer> keep) {
        Builder builder = builder();
        forEach((t, p) -> {
            if (keep.test(t, p)) {
                builder.add(t, p);
            }
        });
        return builder.build();
    }

    public PartitionSet minus(PartitionSet other) {
        return filter((t, p) -> !other.contains(t, p));
    }

    public PartitionSet intersect(PartitionSet other) {
        return filter(other::contains);
    }

    public PartitionSet union(PartitionSet other) {
        return builder().addAll(this).addAll(other).build();
    }

    public boolean containsAll(PartitionSet other) {
        return other.minus(this).isEmpty();
    }

    /** Whether this set shares a partition with {@code other}. */
    public boolean intersects(PartitionSet other) {
        return !intersect(other).isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionSet other && partitions.equals(other.partitions);
    }

    @Override
    public int hashCode() {
        return partitions.hashCode();
    }

    @Override
    public String toString() {
        return partitions.toString();
    }
}
