package io.ledgerstream.bench.failover;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three brokers of one cluster, each a JVM of its own, that can be killed the hard way (SIGKILL) and started again,
 * for failover measurements.
 */
abstract class BrokerProcesses implements AutoCloseable {
    static final int BROKERS = 3;

    private final File logs;
    private final Process[] running = new Process[BROKERS];

    BrokerProcesses(File logs) {
        this.logs = logs;
    }

    /** The command that runs broker {@code id} in the foreground. */
    abstract List<String> command(int id);

    /** The Kafka port of broker {@code id}. */
    abstract int port(int id);

    /** The broker id clients see for broker {@code id} (Kafka's node ids start at 1). */
    int nodeId(int id) {
        return id;
    }

    int indexOfNode(int nodeId) {
        for (int id = 0; id < BROKERS; id++) {
            if (nodeId(id) == nodeId) {
                return id;
            }
        }
        throw new IllegalArgumentException("no broker with node id " + nodeId);
    }

    String bootstrap() {
        List<String> addresses = new ArrayList<>();
        for (int id = 0; id < BROKERS; id++) {
            addresses.add("127.0.0.1:" + port(id));
        }
        return String.join(",", addresses);
    }

    /** Starts every broker, then waits for all: a KRaft quorum serves only once a majority runs. */
    void startAll() throws Exception {
        for (int id = 0; id < BROKERS; id++) {
            launch(id);
        }
        for (int id = 0; id < BROKERS; id++) {
            awaitPort(id);
        }
    }

    /** Starts broker {@code id} and waits (bounded) until its Kafka port accepts connections. */
    void start(int id) throws Exception {
        launch(id);
        awaitPort(id);
    }

    private void launch(int id) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(id));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logs, "broker-" + id + ".log")));
        running[id] = builder.start();
    }

    private void awaitPort(int id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!accepts(port(id))) {
            if (!running[id].isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("broker " + id + " did not start; see " + logs);
            }
            Thread.sleep(50);
        }
    }

    /** Kills broker {@code id} with SIGKILL: no shutdown hook, no clean close of anything. */
    void kill(int id) throws InterruptedException {
        running[id].destroyForcibly();
        running[id].waitFor(30, TimeUnit.SECONDS);
        running[id] = null;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The java command with this JVM's module opens (BookKeeper and Netty need them) and class path. */
    static List<String> java(String heap, String classPath) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add(heap);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dlog4j2")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(classPath);
        return command;
    }

    @Override
    public void close() throws InterruptedException {
        for (int id = 0; id < BROKERS; id++) {
            if (running[id] != null) {
                running[id].destroy();
                running[id].waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
