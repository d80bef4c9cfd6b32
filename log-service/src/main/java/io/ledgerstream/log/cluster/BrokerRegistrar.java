package io.ledgerstream.log.cluster;

import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

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
     * Registers the broker and waits (bounded) until the node exists.
     *
     * @throws IllegalStateException if it could not be created in time (another live broker has the id)
     */
    public static BrokerRegistrar register(MetadataStore metadata, BrokerRegistration broker) throws Exception {
        PersistentNode node = new PersistentNode(metadata.zk(), CreateMode.EPHEMERAL, false,
                metadata.brokersPath() + "/" + broker.id(), MetadataCodec.encode(broker));
        node.start();
        if (!node.waitForInitialCreate(30, TimeUnit.SECONDS)) {
            node.close();
            throw new IllegalStateException("Could not register broker " + broker.id() + " in ZooKeeper; is another "
                    + "live broker using broker.id " + broker.id() + "?");
        }
        return new BrokerRegistrar(node);
    }

    @Override
    public void close() throws Exception {
        node.close();
    }
}
