package io.ledgerstream.cli;

import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.standalone.StandalonePlatform;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the standalone platform keeps its data and which ports it takes; shared by the commands that start it. */
final class PlatformOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Folder for all data (default: ${DEFAULT-VALUE}).")
    File dataDir;

    @Option(names = "--zookeeper-port", defaultValue = "2181", description = "ZooKeeper port (default: ${DEFAULT-VALUE}).")
    int zookeeperPort;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Port for Kafka clients on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--bookie-port", defaultValue = "3181",
            description = "Port of the first bookie; the others follow (default: ${DEFAULT-VALUE}).")
    int bookiePort;

    /** The platform's settings with {@code bookies} bookies and one broker; a {@code listeners} key in {@code broker} wins. */
    StandalonePlatform.Settings settings(int bookies, Map<String, String> broker) {
        return settings(bookies, 1, broker);
    }

    /** The platform's settings with {@code bookies} bookies and {@code brokers} brokers. */
    StandalonePlatform.Settings settings(int bookies, int brokers, Map<String, String> broker) {
        Map<String, String> values = new HashMap<>(broker);
        values.putIfAbsent(NetworkConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + kafkaPort);
        return new StandalonePlatform.Settings(dataDir, zookeeperPort, bookiePort, bookies, values, brokers);
    }
}
