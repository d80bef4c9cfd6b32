package io.ledgerstream.log.group.consumer;

/**
 * A member of the classic protocol as it moves between a classic group and a consumer group when the group switches
 * protocol: who it is, its timeouts and protocols, the generation it knows, and its assignment in the embedded
 * consumer protocol's bytes.
 */
public record ClassicMember(String memberId, String instanceId, String clientId, String clientHost,
                            int rebalanceTimeoutMs, ClassicMetadata metadata, int generation, byte[] assignment) {
}
