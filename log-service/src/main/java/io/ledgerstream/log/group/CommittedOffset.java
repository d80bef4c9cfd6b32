package io.ledgerstream.log.group;

/** A group's committed position in one partition. */
public record CommittedOffset(long offset, int leaderEpoch, String metadata) {
}
