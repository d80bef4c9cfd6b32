package io.ledgerstream.log.cluster;

/** What a leader election did for one partition. */
public enum ElectionOutcome {
    /** The partition was given another leader. */
    ELECTED,
    /** The partition's leader is already the one the election would choose. */
    NOT_NEEDED,
    /** No such topic or partition. */
    UNKNOWN_PARTITION,
    /** No live broker could take the partition. */
    NO_ELIGIBLE_LEADER
}
