package io.ledgerstream.log.protocol.handlers;

/** What a broker tells clients about itself: its id, the address clients connect to, and the cluster's id. */
public record BrokerIdentity(int brokerId, String host, int port, String clusterId) {
}
