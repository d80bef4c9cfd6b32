package io.ledgerstream.cli.connect;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.jobs.RetainedSnapshots;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this machine keeps of a connector, under {@code DATA/connect/NAME}: a copy of its file (so that
 * {@code connect delete} can clean up after it), its checkpoints and savepoints on the embedded Flink, and the
 * location of the last savepoint {@code connect stop} took.
 *
 * <p>Not thread-safe; one command at a time uses a folder.
 */
final class ConnectorFolder {
    private static final String FILE = "connector.yaml";
    private static final String LAST_SAVEPOINT = "last-savepoint";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path dir;

    ConnectorFolder(File dataDir, String connector) {
        if (!NAME.matcher(connector).matches()) {
            throw new IllegalArgumentException("'" + connector + "' is not a connector name (letters, digits, '.', "
                    + "'_' and '-', starting with a letter or digit)");
        }
        this.dir = dataDir.toPath().toAbsolutePath().normalize().resolve("connect").resolve(connector);
    }

    Path dir() {
        return dir;
    }

    Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    Path savepoints() {
        return dir.resolve("savepoints");
    }

    /** Keeps a copy of the connector's file. */
    void remember(Connector connector) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE), connector.yaml(), StandardCharsets.UTF_8);
    }

    /** The connector as its remembered file says, if this machine ran it. */
    Optional<Connector> remembered() {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConnectorFile.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void recordSavepoint(String location) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(LAST_SAVEPOINT), location, StandardCharsets.UTF_8);
    }

    /** Where a run on a cluster resumes: the last savepoint {@code connect stop} took, if any. */
    Optional<String> lastSavepoint() throws IOException {
        Path file = dir.resolve(LAST_SAVEPOINT);
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                : Optional.empty();
    }

    /**
     * Where a run on the embedded Flink resumes: the newest savepoint or checkpoint kept here, or taken by the last
     * {@code connect stop} elsewhere on this machine.
     */
    Optional<Path> latestSnapshot() throws IOException {
        Optional<Path> stopped = lastSavepoint().filter(l -> l.startsWith("file:")).map(l -> Path.of(URI.create(l)));
        return stopped.isPresent() ? RetainedSnapshots.latest(savepoints(), checkpoints(), stopped.get())
                : RetainedSnapshots.latest(savepoints(), checkpoints());
    }

    void delete() throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
