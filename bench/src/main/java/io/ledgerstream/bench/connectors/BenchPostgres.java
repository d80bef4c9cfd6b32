package io.ledgerstream.bench.connectors;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The PostgreSQL server the benchmark measures against: Debian's PostgreSQL 15 binaries, a fresh cluster made by
 * {@code initdb} in a temporary folder, on a free loopback port. Durability is PostgreSQL's default ({@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} on); the only settings changed are those logical
 * replication needs ({@code wal_level = logical}, 16 slots and WAL senders) and the listener. As root, the server
 * runs as the {@code postgres} user.
 *
 * <p>Not thread-safe: the benchmark's main thread starts and closes it; connections may be opened from any thread.
 */
final class BenchPostgres implements AutoCloseable {
    /** The settings appended to initdb's postgresql.conf, as the README quotes them. */
    static final List<String> SETTINGS = List.of("wal_level = logical", "max_replication_slots = 16",
            "max_wal_senders = 16", "timezone = 'UTC'");

    private final Path bin;
    private final Path dir;
    private final int port;

    private BenchPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Creates a cluster under a temporary folder and starts it. */
    static BenchPostgres start() throws Exception {
        Path bin = Path.of("/usr/lib/postgresql/15/bin");
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed (no " + bin + "/initdb)");
        }
        Path dir = Files.createTempDirectory("ledgerstream-connectors-bench-pg");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        BenchPostgres server = new BenchPostgres(bin, dir, port);
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        server.asOwner("initdb", "-D", server.data().toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--locale=C");
        List<String> conf = new ArrayList<>(List.of("port = " + port, "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'"));
        conf.addAll(SETTINGS);
        Files.writeString(server.data().resolve("postgresql.conf"), String.join("\n", conf) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        server.asOwner("pg_ctl", "-D", server.data().toString(), "-l", dir.resolve("server.log").toString(), "-w",
                "-t", "60", "start");
        return server;
    }

    int port() {
        return port;
    }

    Path bin() {
        return bin;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "");
    }

    /** Runs statements on a database, each in its own transaction. */
    void execute(String database, String... sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            asOwner("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void asOwner(String program, String... args) throws Exception {
        List<String> all = new ArrayList<>();
        if (isRoot()) {
            all.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        all.add(bin.resolve(program).toString());
        all.addAll(List.of(args));
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
}
