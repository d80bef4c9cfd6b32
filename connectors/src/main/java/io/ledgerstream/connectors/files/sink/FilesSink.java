package io.ledgerstream.connectors.files.sink;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.files.FilesSettings;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SinkConnector;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.DefaultRollingPolicy;

/**
 * A files sink's settings, and the Flink {@code FileSink} they make: one line per record (UTF-8, LF) in part files
 * named {@code <connector>-<uuid>-<n><suffix>} directly in the folder. A part file rolls at {@code roll-size}, at
 * {@code roll-interval}, or after a minute without records (at most {@code roll-interval}); a rolled file becomes
 * visible when the next checkpoint completes, exactly once. CSV files have no header line: the columns are
 * {@code fields}, in that order. Tombstones are skipped.
 *
 * <p>Immutable and serializable: shipped with the job.
 */
public final class FilesSink implements SinkConnector<String> {
    private static final long serialVersionUID = 1L;
    static final MemorySize DEFAULT_ROLL_SIZE = MemorySize.ofMebiBytes(128);
    static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofMinutes(15);
    private static final Duration INACTIVITY = Duration.ofMinutes(1);

    private final String folder;
    private final FileFormat format;
    private final RowLines lines;
    private final MemorySize rollSize;
    private final Duration rollInterval;

    FilesSink(String folder, FileFormat format, List<String> fields, MemorySize rollSize, Duration rollInterval) {
        this.folder = folder;
        this.format = format;
        this.lines = new RowLines(format, fields);
        this.rollSize = rollSize;
        this.rollInterval = rollInterval;
    }

    /** Reads a {@code sink:} block of type files. */
    public static FilesSink read(Settings block) {
        String folder = FilesSettings.folder(block);
        FileFormat format = FilesSettings.format(block);
        List<String> fields = block.optionalStrings("fields").orElse(null);
        if (format == FileFormat.CSV && fields == null) {
            throw block.problem("fields", "is required with file-format: csv (the columns, in order)");
        }
        if (format != FileFormat.CSV && fields != null) {
            throw block.problem("fields", "is only for file-format: csv");
        }
        MemorySize rollSize = rollSize(block);
        Duration rollInterval = block.duration("roll-interval", DEFAULT_ROLL_INTERVAL, Duration.ofSeconds(1));
        return new FilesSink(folder, format, fields, rollSize, rollInterval);
    }

    private static MemorySize rollSize(Settings block) {
        String text = block.optionalString("roll-size").orElse(null);
        if (text == null) {
            return DEFAULT_ROLL_SIZE;
        }
        try {
            // Flink's units are binary already and spelled mb, gb: take MiB, GiB as well.
            MemorySize size = MemorySize.parse(text.toLowerCase(Locale.ROOT).replaceAll("([kmgt])ib$", "$1b"));
            if (size.getBytes() >= 1024) {
                return size;
            }
        } catch (IllegalArgumentException e) {
            // Reported below.
        }
        throw block.problem("roll-size", "must be a size of at least 1 KiB such as '64 MiB' or '1 GiB', not '"
                + text + "'");
    }

    @Override
    public TypeInformation<String> decodedType() {
        return Types.STRING;
    }

    /**
     * The record's line.
     *
     * @return null for a tombstone, which {@link #write} skips
     * @throws BadRecordException when the value is not a JSON object
     */
    @Override
    public String decode(ConnectorRecord record) throws BadRecordException {
        return record.value == null ? null : lines.line(record.value);
    }

    @Override
    public DataStream<ConnectorRecord> write(DataStream<String> records, ConnectorSpec spec) {
        Duration inactivity = INACTIVITY.compareTo(rollInterval) < 0 ? INACTIVITY : rollInterval;
        FileSink<String> sink = FileSink.forRowFormat(new Path(folder), new SimpleStringEncoder<String>("UTF-8"))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(DefaultRollingPolicy.builder()
                        .withMaxPartSize(rollSize)
                        .withRolloverInterval(rollInterval)
                        .withInactivityInterval(inactivity)
                        .build())
                .withBucketCheckInterval(Math.min(inactivity.toMillis(), Duration.ofSeconds(10).toMillis()))
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(spec.name())
                        .withPartSuffix(format.suffix()).build())
                .build();
        records.filter(Objects::nonNull).name("skip tombstones").uid("skip-tombstones")
                .sinkTo(sink).name("files " + folder).uid("files-sink");
        return null;
    }
}
