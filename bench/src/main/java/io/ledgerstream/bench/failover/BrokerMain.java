package io.ledgerstream.bench.failover;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.BrokerConfig;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One Ledgerstream broker with the broker's default settings, run until killed; arguments: broker id, ZooKeeper
 * connect string, Kafka port. Topics get replication factor 3 and min.insync.replicas 2, as the Kafka side does.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Broker broker = Broker.start(BrokerConfig.fromMap(Map.of(
                BrokerConfig.BROKER_ID, args[0],
                BrokerConfig.ZOOKEEPER_CONNECT, args[1],
                "listeners", "PLAINTEXT://127.0.0.1:" + args[2],
                BrokerConfig.DEFAULT_REPLICATION_FACTOR, "3",
                BrokerConfig.MIN_INSYNC_REPLICAS, "2")), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        new CountDownLatch(1).await();
    }
}
