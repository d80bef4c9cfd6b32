package io.ledgerstream.log.config;

/**
 * How BookKeeper replicates a topic's segments: each ledger is striped over {@code ensembleSize} bookies,
 * every entry is written to {@code writeQuorum} of them and acknowledged once {@code ackQuorum} have it.
 */
public record Replication(int ensembleSize, int writeQuorum, int ackQuorum) {

    public Replication {
        if (ackQuorum < 1) {
            throw new InvalidConfigException("ack.quorum", ackQuorum, "must be at least 1");
        }
        if (writeQuorum < ackQuorum) {
            throw new InvalidConfigException("write.quorum", writeQuorum, "must be at least the ack quorum " + ackQuorum);
        }
        if (ensembleSize < writeQuorum) {
            throw new InvalidConfigException("ensemble.size", ensembleSize, "must be at least the write quorum " + writeQuorum);
        }
    }

    /**
     * Kafka's view of replication: {@code replication.factor} bookies hold every entry (E = Qw = rf) and a write
     * is acknowledged by {@code min.insync.replicas} of them.
     */
    public static Replication forFactor(int replicationFactor, int minInsyncReplicas) {
        if (replicationFactor < 1) {
            throw new InvalidConfigException("replication.factor", replicationFactor, "must be at least 1");
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new InvalidConfigException("min.insync.replicas", minInsyncReplicas,
                    "must be between 1 and the replication factor " + replicationFactor);
        }
        return new Replication(replicationFactor, replicationFactor, minInsyncReplicas);
    }

    /**
     * This replication with the ack quorum a topic's {@code min.insync.replicas} sets (0: unchanged), never above
     * the write quorum.
     */
    public Replication withMinInsyncReplicas(int minInsyncReplicas) {
        return minInsyncReplicas <= 0 ? this
                : new Replication(ensembleSize, writeQuorum, Math.min(minInsyncReplicas, writeQuorum));
    }
}
