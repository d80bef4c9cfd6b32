package io.ledgerstream.log.protocol.handlers;

/**
 * What a broker tells clients about itself besides its addresses: its id and the cluster's id. Its addresses are
 * those of its registration, one per listener ({@link io.ledgerstream.log.metadata.BrokerRegistration}).
 */
public record BrokerIdentity(int brokerId, String clusterId) {
}
