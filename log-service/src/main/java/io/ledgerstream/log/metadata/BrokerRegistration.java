package io.ledgerstream.log.metadata;

/**
 * A live broker as it registers itself in ZooKeeper (an ephemeral node that goes with its session): its id, the
 * address clients reach it at, and its rack ("" for none).
 */
public record BrokerRegistration(int id, String host, int port, String rack) {
}
