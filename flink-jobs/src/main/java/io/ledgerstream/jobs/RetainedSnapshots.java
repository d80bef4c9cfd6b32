package io.ledgerstream.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the snapshot a job should resume from on a local filesystem: the newest completed checkpoint or savepoint
 * (a folder with a {@code _metadata} file) anywhere under the given folders.
 */
public final class RetainedSnapshots {
    private static final String METADATA = "_metadata";

    private RetainedSnapshots() {
    }

    /**
     * The folder of the newest completed snapshot under {@code roots}, if there is one. Flink deletes old
     * checkpoints while a job runs: files that vanish during the search are skipped.
     */
    public static Optional<Path> latest(Path... roots) {
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                collect(root, found);
            }
        }
        Path newest = null;
        long newestTime = Long.MIN_VALUE;
        for (Path metadata : found) {
            try {
                long time = Files.getLastModifiedTime(metadata).toMillis();
                if (time > newestTime) {
                    newest = metadata;
                    newestTime = time;
                }
            } catch (NoSuchFileException e) {
                // Deleted since it was found.
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + metadata, e);
            }
        }
        return Optional.ofNullable(newest).map(Path::getParent);
    }

    private static void collect(Path root, List<Path> found) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (file.getFileName().toString().equals(METADATA)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list snapshots under " + root, e);
        }
    }
}
