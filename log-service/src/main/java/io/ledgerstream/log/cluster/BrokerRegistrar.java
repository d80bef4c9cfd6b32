package io.ledgerstream.log.cluster;

import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.nodes.PersistentNode;

/**
 * Keeps this broker registered as live: an ephemeral node under the brokers path that goes with the broker's
 * ZooKeeper session and is created again when a new session begins.
 */
public final class BrokerRegistrar implements AutoCloseable {
    private final PersistentNode node;

    private BrokerRegistrar(PersistentNode node) {
        this.node = node;
    }

    /**
     * Registers the broker and waits (bounded) until the node exists. A node of the same id held by another session
     * is waited out for up to twice the session timeout: it is this broker's own, left by a process that died
     * a moment ago, until that session expires.
     *
     * @throws IllegalStateException if another session still holds the id after that (a second live broker has it)
     */
    public static BrokerRegistrar register(MetadataStore metadata, BrokerRegistration broker, long sessionTimeoutMs)
            throws Exception {
        String path = metadata.brokersPath() + "/" + broker.id();
        PersistentNode node = metadata.ephemeralNode(path, MetadataCodec.encode(broker), 2 * sessionTimeoutMs)
                .orElseThrow(() -> new IllegalStateException("Broker id " + broker.id()
                        + " is registered by another live broker"));
        node.start();
        if (!node.waitForInitialCreate(30, TimeUnit.SECONDS)) {
            node.close();
            throw new IllegalStateException("Could not register broker " + broker.id() + " in ZooKeeper in time");
        }
        return new BrokerRegistrar(node);
    }

    @Override
    public void close() throws Exception {
        node.close();
    }
}
