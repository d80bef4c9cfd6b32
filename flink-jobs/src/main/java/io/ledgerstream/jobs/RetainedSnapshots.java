package io.ledgerstream.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the snapshot a job should resume from on a local filesystem: the newest completed checkpoint or savepoint
 * (a folder with a {@code _metadata} file) anywhere under the given folders.
 */
public final class RetainedSnapshots {
    private static final String METADATA = "_metadata";

    private RetainedSnapshots() {
    }

    /** The folder of the newest completed snapshot under {@code roots}, if there is one. */
    public static Optional<Path> latest(Path... roots) {
        return Stream.of(roots).filter(Files::isDirectory).flatMap(RetainedSnapshots::metadataFiles)
                .max(Comparator.comparing(RetainedSnapshots::modified))
                .map(Path::getParent);
    }

    private static Stream<Path> metadataFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().equals(METADATA)).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list snapshots under " + root, e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
