package io.ledgerstream.log.standalone;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A single ZooKeeper server in this process, keeping its data in a folder, for the standalone platform and tests. */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory connections) {
        this.server = server;
        this.connections = connections;
    }

    /** Starts a server on {@code 127.0.0.1:port} (0 picks a free port). */
    public static EmbeddedZooKeeper start(File dataDir, int port) throws IOException, InterruptedException {
        File snapshots = new File(dataDir, "snapshots");
        File logs = new File(dataDir, "log");
        if (!snapshots.isDirectory() && !snapshots.mkdirs() || !logs.isDirectory() && !logs.mkdirs()) {
            throw new IOException("Cannot create ZooKeeper folders under " + dataDir);
        }
        ZooKeeperServer server = new ZooKeeperServer(snapshots, logs, 500);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 200);
        connections.startup(server);
        return new EmbeddedZooKeeper(server, connections);
    }

    public int port() {
        return connections.getLocalPort();
    }

    /** The connect string for clients. */
    public String connectString() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() {
        connections.shutdown();
        server.shutdown(true);
    }
}
