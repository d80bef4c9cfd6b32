package io.ledgerstream.cli;

import io.ledgerstream.cli.flink.FlinkClasspath;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ledgerstream sql}: Flink's own SQL client (2.3) with the Ledgerstream catalog registered and in use, the
 * Kafka connector on its classpath, running queries in-process by default or on a Flink cluster given by address.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Start the Flink SQL client with the Ledgerstream catalog 'ledgerstream' registered and in use: "
                + "every topic is a table.",
                "Without --cluster, queries run on a local Flink cluster inside the client; checkpoints go to "
                        + "DIR/sql-client/checkpoints."})
final class SqlCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "The brokers whose topics are the tables (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Run queries on this Flink cluster (its REST address) instead of in the client.")
    String cluster;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Folder for the client's configuration, logs and checkpoints (default: ${DEFAULT-VALUE}).")
    File dataDir;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of FILE and exit.")
    Path script;

    @Option(names = {"-i", "--init"}, paramLabel = "FILE",
            description = "Run the statements of FILE first (after the catalog is registered).")
    Path init;

    @Override
    public Integer call() throws Exception {
        Path home = dataDir.getAbsoluteFile().toPath().resolve("sql-client");
        Path conf = home.resolve("conf");
        Files.createDirectories(conf);
        Files.createDirectories(home.resolve("log"));
        writeConfig(conf.resolve("config.yaml"), home);
        Path initFile = conf.resolve("init.sql");
        StringBuilder initSql = new StringBuilder("CREATE CATALOG ledgerstream WITH ('type' = 'ledgerstream', "
                + "'bootstrap-servers' = '" + bootstrapServers.replace("'", "''") + "');\nUSE CATALOG ledgerstream;\n");
        if (init != null) {
            initSql.append(Files.readString(init, StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(initFile, initSql, StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("log4j2.xml"), LOG4J.formatted(home.resolve("log/sql-client.log")),
                StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED"));
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
        if (script == null) {
            return builder.inheritIO().start().waitFor();
        }
        // Non-interactive: relay the client's output through this process (so callers can capture it).
        Process process = builder.redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        copy(process.getInputStream(), System.out);
        return process.waitFor();
    }

    private void writeConfig(Path file, Path home) throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        if (cluster == null) {
            config.put("execution.target", "local");
        } else {
            String[] hostPort = cluster.replaceFirst("^https?://", "").split(":");
            config.put("execution.target", "remote");
            config.put("rest.address", hostPort[0]);
            config.put("rest.port", hostPort.length > 1 ? hostPort[1] : "8081");
        }
        config.put("parallelism.default", "1");
        config.put("state.backend.type", "rocksdb");
        config.put("execution.checkpointing.incremental", "true");
        config.put("execution.checkpointing.interval", "10 s");
        config.put("execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        if (script != null) {
            config.put("sql-client.execution.result-mode", "tableau");
        }
        StringBuilder yaml = new StringBuilder();
        config.forEach((k, v) -> yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    private static void copy(InputStream in, OutputStream out) {
        try (in) {
            in.transferTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String LOG4J = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="OFF">
              <Appenders>
                <File name="file" fileName="%s">
                  <PatternLayout pattern="%%d{HH:mm:ss.SSS} %%-5level %%c{1} - %%msg%%n"/>
                </File>
              </Appenders>
              <Loggers>
                <Root level="INFO"><AppenderRef ref="file"/></Root>
              </Loggers>
            </Configuration>
            """;
}
