package io.ledgerstream.log.testing;

import io.ledgerstream.log.broker.Broker;
import java.io.File;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A broker on its own in-process ZooKeeper and three bookies, listening on a free port, for protocol tests. */
public final class LocalBroker implements AutoCloseable {
    private final LocalBookKeeperCluster cluster;
    private final Map<String, String> settings;
    private Broker broker;

    private LocalBroker(LocalBookKeeperCluster cluster, Map<String, String> settings) throws Exception {
        this.cluster = cluster;
        this.settings = settings;
        this.broker = Broker.start(cluster.brokerConfig(settings), Clock.systemUTC());
    }

    /** Starts bookies, ZooKeeper and a broker with {@code overrides} (the listener defaults to a free port). */
    public static LocalBroker start(File dir, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("listeners", "PLAINTEXT://127.0.0.1:0"));
        settings.putAll(overrides);
        LocalBookKeeperCluster cluster = LocalBookKeeperCluster.start(dir, 3);
        try {
            return new LocalBroker(cluster, settings);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    public Broker broker() {
        return broker;
    }

    public LocalBookKeeperCluster cluster() {
        return cluster;
    }

    /** Where clients connect; changes on {@link #restart} when the port was chosen freely. */
    public String bootstrap() {
        return "127.0.0.1:" + broker.kafkaPort();
    }

    /** Stops the broker and starts it again on the same ZooKeeper and bookies. */
    public void restart() throws Exception {
        broker.close();
        broker = Broker.start(cluster.brokerConfig(settings), Clock.systemUTC());
    }

    /** Kills the broker as if its process died (nothing sealed) and starts it again on the same storage. */
    public void crashAndRestart() throws Exception {
        broker.halt();
        broker = Broker.start(cluster.brokerConfig(settings), Clock.systemUTC());
    }

    @Override
    public void close() {
        broker.close();
        cluster.close();
    }
}
