package io.ledgerstream.log.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Which broker leads each partition of a topic, and in which leader epoch, as the controller assigned it. A broker
 * writes a partition only as its assigned leader, stamping the epoch into every batch; each new assignment of a
 * partition gets a higher epoch. Immutable; changed by compare-and-set of a new record.
 */
public record PartitionLeaders(List<Leader> partitions) {

    /** The leader of one partition: the broker's id and the leader epoch. */
    public record Leader(int brokerId, int epoch) {
    }

    public PartitionLeaders {
        partitions = List.copyOf(partitions);
    }

    public Leader leader(int partition) {
        return partitions.get(partition);
    }

    /** This assignment with partition {@code p} led by {@code leader}. */
    public PartitionLeaders with(int p, Leader leader) {
        List<Leader> changed = new ArrayList<>(partitions);
        changed.set(p, leader);
        return new PartitionLeaders(changed);
    }
}
