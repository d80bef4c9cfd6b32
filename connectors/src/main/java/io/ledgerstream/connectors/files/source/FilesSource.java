package io.ledgerstream.connectors.files.source;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.files.FilesSettings;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SourceConnector;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A files source's settings, and the Flink {@code FileSource} they make: the folder is listed every
 * {@code poll-interval} and each new file is read once, whole. The enumerator's checkpointed state remembers the
 * files already taken and each reader's the lines read, so a restore neither loses nor repeats a line. A file must
 * be complete when it appears (write it under a hidden name, then rename it): lines added to a file already read
 * are not read.
 *
 * <p>Immutable and serializable: shipped with the job.
 */
public final class FilesSource implements SourceConnector {
    private static final long serialVersionUID = 1L;
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    private final String folder;
    private final FileFormat format;
    private final String keyField;
    private final String glob;
    private final Duration pollInterval;

    FilesSource(String folder, FileFormat format, String keyField, String glob, Duration pollInterval) {
        this.folder = folder;
        this.format = format;
        this.keyField = keyField;
        this.glob = glob;
        this.pollInterval = pollInterval;
    }

    /** Reads a {@code source:} block of type files. */
    public static FilesSource read(Settings block) {
        String folder = FilesSettings.folder(block);
        FileFormat format = FilesSettings.format(block);
        String keyField = block.optionalString("key-field").orElse(null);
        String glob = block.optionalString("glob").orElse(null);
        if (glob != null) {
            try {
                FileNameFilter.validate(glob);
            } catch (IllegalArgumentException e) {
                throw block.problem("glob", "is not a valid glob: " + e.getMessage());
            }
        }
        Duration poll = block.duration("poll-interval", DEFAULT_POLL_INTERVAL, Duration.ofMillis(100));
        return new FilesSource(folder, format, keyField, glob, poll);
    }

    @Override
    public DataStream<ConnectorRecord> read(StreamExecutionEnvironment env, ConnectorSpec spec) {
        FileNameFilter filter = new FileNameFilter(glob);
        FileSource<ConnectorRecord> files = FileSource
                .forBulkFileFormat(new LineFormat(format, keyField), new Path(folder))
                .monitorContinuously(pollInterval)
                .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(filter))
                .build();
        return env.fromSource(files, WatermarkStrategy.noWatermarks(), "files " + folder).uid("files-source");
    }
}
