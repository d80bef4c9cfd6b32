package io.ledgerstream.cli;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.BrokerConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ledgerstream broker}: one broker against an external ZooKeeper and bookies, until stopped. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run one broker against an external ZooKeeper and its bookies.",
                "Until the Kafka protocol front end lands this starts the storage side only: ZooKeeper session, "
                        + "BookKeeper client, partition logs and retention."})
final class BrokerCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        Broker broker = Broker.start(BrokerConfig.fromMap(config.values()), Clock.systemUTC());
        RunUntilStopped.await("broker " + broker.config().brokerId(), broker);
        return 0;
    }
}
