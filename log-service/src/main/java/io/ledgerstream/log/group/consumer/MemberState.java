package io.ledgerstream.log.group.consumer;

/** Where a member is on its way to its target assignment. */
public enum MemberState {
    /** It has its whole target assignment, in the group's assignment epoch. */
    STABLE,
    /** It must first give up partitions its target assignment no longer has; its epoch waits until it does. */
    UNREVOKED_PARTITIONS,
    /** It is in the new epoch but some partitions of its target are still held by members that must revoke them. */
    UNRELEASED_PARTITIONS
}
