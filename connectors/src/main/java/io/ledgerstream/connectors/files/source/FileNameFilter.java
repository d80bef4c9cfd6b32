package io.ledgerstream.connectors.files.source;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.function.Predicate;
import org.apache.flink.core.fs.Path;

/**
 * Which paths the files source reads: never hidden ones (a name starting with {@code .} or {@code _}, as files
 * still being written should be named until they are renamed into place), and, with a {@code glob}, only files
 * whose name matches it (folders are still walked).
 *
 * <p>Serializable with the job; the enumerator calls it from one thread.
 */
final class FileNameFilter implements Predicate<Path>, Serializable {
    private static final long serialVersionUID = 1L;

    private final String glob;
    private transient PathMatcher matcher;

    /** @param glob a glob on file names such as {@code *.jsonl}, or null for every visible file */
    FileNameFilter(String glob) {
        this.glob = glob;
    }

    /** Checks a glob's syntax, so that a bad one is reported when the connector file is read. */
    static void validate(String glob) {
        FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    @Override
    public boolean test(Path path) {
        if (path.getName().startsWith(".") || path.getName().startsWith("_")) {
            return false;
        }
        if (glob == null) {
            return true;
        }
        try {
            if (path.getFileSystem().getFileStatus(path).isDir()) {
                return true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not look at " + path, e);
        }
        if (matcher == null) {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        }
        return matcher.matches(java.nio.file.Path.of(path.getName()));
    }
}
