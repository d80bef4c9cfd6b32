package io.ledgerstream.cli;

import io.ledgerstream.cli.flink.FileLogging;
import io.ledgerstream.cli.flink.FlinkClasspath;
import io.ledgerstream.cli.flink.FlinkJvm;
import io.ledgerstream.jobs.kafka.ClientConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;

/**
 * One run of Flink's SQL client in a JVM of its own, set up for Ledgerstream: a configuration (local execution, or
 * a cluster's REST address; RocksDB; checkpoints under the data folder), an init script that registers and uses the
 * catalog {@value #CATALOG} (naming the file of {@code --client-config}, so that no secret is in the SQL text the
 * client echoes and logs), and the catalog's jar handed to the session. Logs go to the data folder.
 */
final class SqlClientRun {
    static final String CATALOG = "ledgerstream";

    private final String bootstrapServers;
    private final Path clientConfig;
    private final String cluster;
    private final Path home;

    /** @param cluster a Flink REST address ({@code HOST:PORT}), or null to run queries inside the client */
    /**
     * @param clientConfig a Kafka client properties file for the catalog and its tables, or null
     * @throws io.ledgerstream.jobs.kafka.ClientConfigException naming the file and key, if that file is bad
     */
    SqlClientRun(String bootstrapServers, Path clientConfig, String cluster, File dataDir) {
        // Checked here, so that a bad file stops the command with one line before the client starts.
        ClientConfig.loadIfGiven(clientConfig);
        this.bootstrapServers = bootstrapServers;
        this.clientConfig = clientConfig == null ? null : clientConfig.toAbsolutePath();
        this.cluster = cluster;
        this.home = dataDir.getAbsoluteFile().toPath().resolve("sql-client");
    }

    /**
     * Runs the client: interactively on this terminal when {@code script} is null, otherwise the script with its
     * output relayed to {@code out}.
     *
     * @param init statements to run after the catalog is registered, or null
     * @return the client's exit code
     */
    int run(Path init, Path script, PrintStream out) throws IOException, InterruptedException {
        Files.createDirectories(home.resolve("log"));
        // A folder of its own per session, so that sessions on one data folder do not overwrite each other's setup.
        Path conf = Files.createTempDirectory(home, "session-");
        try {
            return run(conf, init, script, out);
        } finally {
            try (var files = Files.list(conf)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(conf);
        }
    }

    private int run(Path conf, Path init, Path script, PrintStream out) throws IOException, InterruptedException {
        writeConfig(conf.resolve("config.yaml"), script != null);
        Path initFile = conf.resolve("init.sql");
        StringBuilder initSql = new StringBuilder("CREATE CATALOG " + CATALOG + " WITH ('type' = 'ledgerstream', "
                + "'bootstrap-servers' = " + literal(bootstrapServers));
        if (clientConfig != null) {
            initSql.append(", 'client-config' = ").append(literal(clientConfig.toString()));
        }
        initSql.append(");\nUSE CATALOG " + CATALOG + ";\n");
        if (init != null) {
            initSql.append(Files.readString(init, StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(initFile, initSql, StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("log4j2.xml"),
                FileLogging.log4j2(home.resolve("log/sql-client.log").toString()), StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>();
        command.add(FlinkJvm.java());
        command.addAll(FlinkJvm.MODULE_ACCESS);
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j2.xml").toUri());
        command.add("-Dlog4j2.StatusLogger.level=OFF");
        command.add("-cp");
        command.add(FlinkClasspath.read() + File.pathSeparator + FlinkClasspath.sqlClient());
        command.addAll(List.of("org.apache.flink.table.client.SqlClient", "embedded", "-i", initFile.toString(),
                "-j", FlinkClasspath.sqlJar().toString()));
        if (script != null) {
            command.addAll(List.of("-f", script.toAbsolutePath().toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        Process process = (script == null ? builder.inheritIO() : builder).start();
        // The client dies with this process, whatever ends it.
        Thread reaper = new Thread(process::destroy, "ledgerstream-sql-client-stop");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            if (script == null) {
                // Ctrl-C belongs to the client (it cancels the running query); this process waits for it to exit.
                Signal.handle(new Signal("INT"), signal -> { });
            } else {
                process.getOutputStream().close();
                try (InputStream output = process.getInputStream()) {
                    output.transferTo(out);
                }
                out.flush();
            }
            return process.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    /** A SQL string literal of {@code text}. */
    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The folder the client keeps its sessions' setup, logs and checkpoints in. */
    Path home() {
        return home;
    }

    private void writeConfig(Path file, boolean script) throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        if (cluster == null) {
            // Queries run inside the client: state and checkpoints are set up here.
            config.put("execution.target", "local");
            config.put("parallelism.default", "1");
            config.put("state.backend.type", "rocksdb");
            config.put("execution.checkpointing.incremental", "true");
            config.put("execution.checkpointing.interval", "10 s");
            config.put("execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        } else {
            // On a cluster, its own configuration decides state, checkpoints and parallelism.
            URI address = URI.create(cluster.contains("://") ? cluster : "http://" + cluster);
            if (!"http".equals(address.getScheme()) || address.getHost() == null) {
                throw new IllegalArgumentException("--cluster takes HOST:PORT or http://HOST:PORT, not " + cluster);
            }
            config.put("execution.target", "remote");
            config.put("rest.address", address.getHost());
            config.put("rest.port", Integer.toString(address.getPort() > 0 ? address.getPort() : 8081));
        }
        if (script) {
            config.put("sql-client.execution.result-mode", "tableau");
        }
        FlinkJvm.writeConfig(file, config);
    }
}
