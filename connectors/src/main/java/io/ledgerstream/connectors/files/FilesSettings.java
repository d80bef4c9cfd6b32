package io.ledgerstream.connectors.files;

import io.ledgerstream.connectors.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.flink.core.fs.Path;

/** The keys a files source and a files sink share: the folder and the format. */
public final class FilesSettings {
    private FilesSettings() {
    }

    /**
     * The required {@code path}: an absolute folder path, or a URI of a file system Flink knows ({@code file:///data},
     * {@code s3://bucket/in}). A relative path is refused, since it would resolve where each TaskManager runs.
     */
    public static String folder(Settings block) {
        String text = block.string("path");
        try {
            URI uri = new URI(text);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return new Path(uri).toString();
            }
        } catch (URISyntaxException e) {
            // A plain local path with characters a URI does not take: checked below.
        }
        if (!java.nio.file.Path.of(text).isAbsolute()) {
            throw block.problem("path", "must be an absolute folder path or a URI such as file:///data/in, not '"
                    + text + "'");
        }
        return text;
    }

    /** The {@code file-format}, json-lines by default. */
    public static FileFormat format(Settings block) {
        return FileFormat.of(block.oneOf("file-format", FileFormat.JSON_LINES.word(), FileFormat.words()));
    }
}
