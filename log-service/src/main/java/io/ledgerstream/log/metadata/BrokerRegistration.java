package io.ledgerstream.log.metadata;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A live broker as it registers itself in ZooKeeper (an ephemeral node that goes with its session): its id, the
 * address it advertises on each of its listeners, and its rack ("" for none). Clients are told the addresses of the
 * listener their request arrived on; other brokers use those of the inter-broker listener.
 */
public record BrokerRegistration(int id, List<Endpoint> endpoints, String rack) {

    /** The name registrations written before brokers had named listeners give their one address. */
    public static final String LEGACY_LISTENER = "PLAINTEXT";

    /** Where clients of one listener reach the broker, and the listener's security protocol. */
    public record Endpoint(String listener, String securityProtocol, String host, int port) {
    }

    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("Broker " + id + " registers no endpoint");
        }
        Set<String> names = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            if (!names.add(endpoint.listener())) {
                throw new IllegalArgumentException("Broker " + id + " registers listener " + endpoint.listener()
                        + " twice");
            }
        }
    }

    /** A broker with one PLAINTEXT listener, as every broker was before listeners were named. */
    public static BrokerRegistration plaintext(int id, String host, int port, String rack) {
        return new BrokerRegistration(id, List.of(new Endpoint(LEGACY_LISTENER, LEGACY_LISTENER, host, port)), rack);
    }

    /** The broker's address on a listener; empty when it has no listener of that name. */
    public Optional<Endpoint> endpoint(String listener) {
        return endpoints.stream().filter(e -> e.listener().equals(listener)).findFirst();
    }
}
