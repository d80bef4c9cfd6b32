package io.ledgerstream.cli;

import io.ledgerstream.log.standalone.StandalonePlatform;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ledgerstream standalone}: ZooKeeper, bookies and one or more brokers in one process, until stopped. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run ZooKeeper, the bookies and the brokers in this process, all data under one folder.")
final class StandaloneCommand implements Callable<Integer> {
    @Mixin
    PlatformOptions platform;

    @Option(names = "--bookies", defaultValue = "3", description = "Number of bookies (default: ${DEFAULT-VALUE}).")
    int bookies;

    @Option(names = "--brokers", defaultValue = "1",
            description = "Number of brokers; broker N listens on the Kafka port plus N (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        StandalonePlatform started = StandalonePlatform.start(platform.settings(bookies, brokers, config.values()),
                Clock.systemUTC());
        RunUntilStopped.await("the standalone platform", started);
        return 0;
    }
}
