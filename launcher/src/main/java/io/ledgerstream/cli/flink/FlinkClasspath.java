package io.ledgerstream.cli.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the build leaves what the Flink commands run: the stock Flink classpath and the SQL client's additions
 * (written by the flink-cluster module) and the catalog's SQL jar (built by table-api). Each can be named by a
 * system property ({@code ledgerstream.flink.classpath}, {@code ledgerstream.sql.classpath},
 * {@code ledgerstream.sql.jar}); otherwise it is found under {@code ledgerstream.home}, which {@code bin/ledgerstream}
 * sets.
 */
public final class FlinkClasspath {
    private FlinkClasspath() {
    }

    /** What a Flink distribution's lib folder holds: JobManagers, TaskManagers and clients run on it. */
    public static String read() throws IOException {
        return classpath("ledgerstream.flink.classpath", "flink-cluster/target/classpath.txt");
    }

    /** The SQL client's own jars, to add to {@link #read()}. */
    public static String sqlClient() throws IOException {
        return classpath("ledgerstream.sql.classpath", "flink-cluster/target/sql-classpath.txt");
    }

    /** The jar with the Ledgerstream catalog and the Kafka connector, for a SQL session. */
    public static Path sqlJar() throws IOException {
        String named = System.getProperty("ledgerstream.sql.jar");
        if (named != null) {
            return existing(Path.of(named));
        }
        Path target = home().resolve("table-api/target");
        Path newest = null;
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "ledgerstream-table-api-*-sql.jar")) {
                for (Path jar : jars) {
                    if (newest == null || Files.getLastModifiedTime(jar).compareTo(
                            Files.getLastModifiedTime(newest)) > 0) {
                        newest = jar;
                    }
                }
            }
        }
        if (newest == null) {
            throw missing(target.resolve("ledgerstream-table-api-*-sql.jar"));
        }
        return newest;
    }

    private static String classpath(String property, String relative) throws IOException {
        String named = System.getProperty(property);
        Path path = existing(named != null ? Path.of(named) : home().resolve(relative));
        return Files.readString(path, StandardCharsets.UTF_8).trim();
    }

    /** The checkout the launcher runs from ({@code ledgerstream.home}, set by {@code bin/ledgerstream}). */
    public static Path home() {
        return Path.of(System.getProperty("ledgerstream.home", "."));
    }

    private static Path existing(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw missing(path);
        }
        return path;
    }

    private static IOException missing(Path path) {
        return new IOException(path + " is missing; build it with 'mvn -pl launcher,flink-cluster,table-api -am "
                + "package' (bin/ledgerstream does this on first use)");
    }
}
