package io.ledgerstream.bench.failover;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three Apache Kafka brokers in KRaft combined mode (each also a controller, a quorum of three), each in its own
 * JVM, with Kafka's default settings except replication: factor 3 and min.insync.replicas 2.
 */
final class KafkaBrokers extends BrokerProcesses {
    private final File dir;
    private final String classPath;
    private final int firstPort;

    KafkaBrokers(File dir, String classPath, int firstPort) throws Exception {
        super(dir);
        this.dir = dir;
        this.classPath = classPath;
        this.firstPort = firstPort;
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        for (int id = 0; id < BROKERS; id++) {
            File properties = properties(id);
            Files.writeString(properties.toPath(), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=" + nodeId(id),
                    "controller.quorum.voters=" + voters(),
                    "listeners=PLAINTEXT://127.0.0.1:" + port(id) + ",CONTROLLER://127.0.0.1:" + controllerPort(id),
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port(id),
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + new File(dir, "kafka-" + id),
                    "default.replication.factor=3",
                    "min.insync.replicas=2",
                    "offsets.topic.replication.factor=3",
                    "group.initial.rebalance.delay.ms=0", ""));
            List<String> format = java("-Xmx256m", classPath);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", properties.getPath()));
            Process p = new ProcessBuilder(format).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir, "format.log"))).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("formatting Kafka's storage failed; see " + dir + "/format.log");
            }
        }
    }

    private String voters() {
        StringBuilder voters = new StringBuilder();
        for (int id = 0; id < BROKERS; id++) {
            voters.append(id == 0 ? "" : ",").append(nodeId(id)).append("@127.0.0.1:").append(controllerPort(id));
        }
        return voters.toString();
    }

    private File properties(int id) {
        return new File(dir, "server-" + id + ".properties");
    }

    private int controllerPort(int id) {
        return firstPort + 100 + id;
    }

    @Override
    int nodeId(int id) {
        return id + 1;
    }

    @Override
    List<String> command(int id) {
        List<String> command = java("-Xmx512m", classPath);
        command.add("kafka.Kafka");
        command.add(properties(id).getPath());
        return command;
    }

    @Override
    int port(int id) {
        return firstPort + id;
    }
}
