package io.ledgerstream.cli;

import io.ledgerstream.log.standalone.StandalonePlatform;
import io.ledgerstream.log.config.NetworkConfig;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ledgerstream standalone}: ZooKeeper, bookies and a broker in one process, until stopped. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run ZooKeeper, the bookies and a broker in this process, all data under one folder.")
final class StandaloneCommand implements Callable<Integer> {
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

    @Option(names = "--bookies", defaultValue = "3", description = "Number of bookies (default: ${DEFAULT-VALUE}).")
    int bookies;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new HashMap<>(config.values());
        settings.putIfAbsent(NetworkConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + kafkaPort);
        StandalonePlatform platform = StandalonePlatform.start(new StandalonePlatform.Settings(
                dataDir, zookeeperPort, bookiePort, bookies, settings), Clock.systemUTC());
        RunUntilStopped.await("the standalone platform", platform);
        return 0;
    }
}
