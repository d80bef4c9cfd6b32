package io.ledgerstream.bench.failover;

import java.io.File;
import java.util.List;

/** Three Ledgerstream brokers, each in its own JVM, against one ZooKeeper and its bookies. */
final class LedgerstreamBrokers extends BrokerProcesses {
    private final String zookeeper;
    private final int firstPort;

    LedgerstreamBrokers(File logs, String zookeeper, int firstPort) {
        super(logs);
        this.zookeeper = zookeeper;
        this.firstPort = firstPort;
    }

    @Override
    List<String> command(int id) {
        List<String> command = java("-Xmx512m", System.getProperty("java.class.path"));
        command.add(BrokerMain.class.getName());
        command.add(Integer.toString(id));
        command.add(zookeeper);
        command.add(Integer.toString(port(id)));
        return command;
    }

    @Override
    int port(int id) {
        return firstPort + id;
    }
}
