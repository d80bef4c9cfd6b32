package io.ledgerstream.log.testing;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.metadata.PartitionLeaders;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * Several brokers, each with its own ZooKeeper session, on one in-process ZooKeeper and one set of bookies, for
 * tests of leadership and failover. Brokers listen on free ports.
 */
public final class LocalCluster implements AutoCloseable {
    private final LocalBookKeeperCluster storage;
    private final Map<String, String> settings;
    private final List<Broker> brokers = new ArrayList<>();

    private LocalCluster(LocalBookKeeperCluster storage, Map<String, String> settings) {
        this.storage = storage;
        this.settings = settings;
    }

    /** Starts {@code bookies} bookies and {@code brokers} brokers (ids 0 to brokers - 1) with {@code overrides}. */
    public static LocalCluster start(File dir, int brokers, int bookies, Map<String, String> overrides)
            throws Exception {
        return start(LocalBookKeeperCluster.start(dir, bookies), brokers, overrides);
    }

    /** Starts {@code brokers} brokers (ids 0 to brokers - 1) with {@code overrides} on {@code storage}, which it owns. */
    public static LocalCluster start(LocalBookKeeperCluster storage, int brokers, Map<String, String> overrides)
            throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("listeners", "PLAINTEXT://127.0.0.1:0"));
        settings.putAll(overrides);
        LocalCluster cluster = new LocalCluster(storage, settings);
        try {
            for (int id = 0; id < brokers; id++) {
                cluster.brokers.add(null);
                cluster.startBroker(id);
            }
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public LocalBookKeeperCluster storage() {
        return storage;
    }

    /** The running broker with this id. */
    public Broker broker(int id) {
        Broker broker = brokers.get(id);
        if (broker == null) {
            throw new IllegalStateException("broker " + id + " is not running");
        }
        return broker;
    }

    /** Ids of the brokers running now. */
    public List<Integer> running() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < brokers.size(); id++) {
            if (brokers.get(id) != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Every running broker's address, for clients' bootstrap.servers. */
    public String bootstrap() {
        return running().stream().map(id -> "127.0.0.1:" + brokers.get(id).kafkaPort())
                .collect(Collectors.joining(","));
    }

    public void startBroker(int id) throws Exception {
        startBroker(id, Map.of());
    }

    /** Starts broker {@code id} with the cluster's settings and {@code extra} over them. */
    public void startBroker(int id, Map<String, String> extra) throws Exception {
        Map<String, String> values = new HashMap<>(settings);
        values.putAll(extra);
        values.put("broker.id", Integer.toString(id));
        while (brokers.size() <= id) {
            brokers.add(null);
        }
        brokers.set(id, Broker.start(storage.brokerConfig(values), Clock.systemUTC()));
    }

    /** Stops a broker cleanly: its logs are sealed and its partitions handed over. */
    public void stopBroker(int id) {
        broker(id).close();
        brokers.set(id, null);
    }

    /** Kills a broker as if its process died: nothing is sealed, its ZooKeeper session ends at once. */
    public void haltBroker(int id) {
        broker(id).halt();
        brokers.set(id, null);
    }

    /**
     * Waits (bounded) until {@code brokers} brokers are live and no running broker leads more than one partition
     * more than another, so that leaders stay put.
     */
    public void awaitLeadersSpread(int brokers, Duration timeout) {
        Await.until("leaders spread evenly over the brokers", timeout, () -> {
            ClusterView view = broker(running().get(0)).cluster();
            if (view.liveBrokerIds().size() < brokers) {
                return false;
            }
            Map<Integer, Integer> load = new HashMap<>();
            running().forEach(id -> load.put(id, 0));
            for (String topic : view.topicsWithLeaders()) {
                for (PartitionLeaders.Leader leader : view.leaders(topic).orElseThrow().partitions()) {
                    if (load.computeIfPresent(leader.brokerId(), (id, n) -> n + 1) == null) {
                        return false;
                    }
                }
            }
            return Collections.max(load.values()) - Collections.min(load.values()) <= 1;
        });
    }

    /** The leader of a partition as a running broker sees it, once that leader is running (bounded wait). */
    public int awaitLiveLeader(TopicPartition partition, Duration timeout) {
        int[] leader = {-1};
        Await.until("a running leader of " + partition, timeout, () -> {
            for (int id : running()) {
                Optional<PartitionLeaders.Leader> l = brokers.get(id).cluster().leader(partition);
                if (l.isPresent() && running().contains(l.get().brokerId())) {
                    leader[0] = l.get().brokerId();
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    @Override
    public void close() {
        for (int id : running()) {
            try {
                brokers.get(id).close();
            } catch (RuntimeException e) {
                // Keep closing the others.
            }
            brokers.set(id, null);
        }
        storage.close();
    }
}
