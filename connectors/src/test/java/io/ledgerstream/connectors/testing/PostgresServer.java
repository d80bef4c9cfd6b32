package io.ledgerstream.connectors.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: the machine's own binaries (Debian's package), a fresh cluster made by
 * {@code initdb} in a temporary folder, on a free loopback port, with {@code wal_level=logical}. As root, the
 * server runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 *
 * <p>Not thread-safe: one test drives it.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private boolean running;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Creates a cluster and starts it. */
    public static PostgresServer start() throws Exception {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("ledgerstream-pg");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, dir, port);
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        server.asOwner(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
        Files.writeString(server.data().resolve("postgresql.conf"), String.join("\n",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'",
                "wal_level = logical",
                "max_replication_slots = 16",
                "max_wal_senders = 16",
                "max_connections = 100",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "timezone = 'UTC'",
                ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        server.startServer();
        return server;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of a database on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a database. */
    public void createDatabase(String name) throws SQLException {
        execute("postgres", "CREATE DATABASE " + name);
    }

    /** Runs statements on a database, each in its own transaction. */
    public void execute(String database, String... sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "");
    }

    /** Stops the server (fast shutdown), keeping its data. */
    public void stop() throws Exception {
        if (running) {
            asOwner(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop");
            running = false;
        }
    }

    /** Starts the server again on the same port and data. */
    public void startServer() throws Exception {
        asOwner(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "start");
        running = true;
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void asOwner(String... command) throws Exception {
        List<String> all = new ArrayList<>();
        if (isRoot()) {
            all.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        all.addAll(List.of(command));
        run(all);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The newest PostgreSQL's binaries under /usr/lib/postgresql. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql); install Debian's "
                    + "postgresql package, as .ci/run does");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll(
                            "\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("No initdb under " + root));
        }
    }
}
