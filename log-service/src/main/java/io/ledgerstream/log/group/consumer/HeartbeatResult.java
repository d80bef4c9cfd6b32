package io.ledgerstream.log.group.consumer;

/**
 * The answer to a heartbeat: the member's id and epoch, how often to heartbeat, and its assignment when it changed
 * since the member was last told (else null).
 */
public record HeartbeatResult(String memberId, int memberEpoch, int heartbeatIntervalMs, PartitionSet assignment) {
}
