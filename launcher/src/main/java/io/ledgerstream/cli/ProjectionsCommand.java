package io.ledgerstream.cli;

import io.ledgerstream.cli.flink.FlinkClasspath;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledgerstream projections}: starts the projections defined in a folder of SQL files (by default the ones in
 * {@code table-api/src/main/resources/projections}) on a Flink cluster, where they keep running.
 */
@Command(name = "projections", mixinStandardHelpOptions = true,
        description = {"Start the projections defined in SQL files (CREATE TABLE ... and INSERT INTO ... SELECT) on "
                + "a Flink cluster, with the Ledgerstream catalog in use. Files run in name order.",
                "The INSERT jobs keep running on the cluster after this command ends."})
final class ProjectionsCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR",
            description = "Folder of *.sql files (default: table-api/src/main/resources/projections).")
    Path dir;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8081",
            description = "The Flink cluster's REST address (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "The brokers whose topics are the tables (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    ClientOptions clientOptions;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Folder for the client's configuration and logs (default: ${DEFAULT-VALUE}).")
    File dataDir;

    @Override
    public Integer call() throws Exception {
        Path folder = dir != null ? dir
                : FlinkClasspath.home().resolve("table-api/src/main/resources/projections");
        List<Path> files = sqlFiles(folder);
        SqlClientRun client = new SqlClientRun(bootstrapServers, clientOptions.file, cluster, dataDir);
        StringBuilder script = new StringBuilder();
        for (Path file : files) {
            // Each file ends its own statements: a missing final ';' does not run into the next file.
            String statements = Files.readString(file, StandardCharsets.UTF_8).strip();
            script.append("-- ").append(file.getFileName()).append('\n').append(statements)
                    .append(statements.endsWith(";") ? "\n\n" : ";\n\n");
        }
        Files.createDirectories(client.home());
        Path all = client.home().resolve("projections.sql");
        Files.writeString(all, script, StandardCharsets.UTF_8);
        System.out.println("Starting " + files.size() + " projection file(s) from " + folder + " on " + cluster);
        return client.run(null, all, System.out);
    }

    private static List<Path> sqlFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("No such folder of projections: " + folder);
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> sql = files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList();
            if (sql.isEmpty()) {
                throw new IllegalArgumentException("No *.sql files in " + folder);
            }
            return sql;
        }
    }
}
