package io.ledgerstream.connectors.files.source;

import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.IOException;
import java.net.URI;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;

/**
 * The files source's reader format: a file is one split (never cut, so line numbers are exact), read by a {@link
 * LineReader} whose checkpointed position is the count of lines read.
 *
 * <p>Immutable and serializable: shipped with the job.
 */
final class LineFormat implements BulkFormat<ConnectorRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final FileFormat format;
    private final String keyField;

    /** @param keyField the field whose text becomes the record key, or null */
    LineFormat(FileFormat format, String keyField) {
        this.format = format;
        this.keyField = keyField;
    }

    @Override
    public Reader<ConnectorRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return reader(split, 0);
    }

    @Override
    public Reader<ConnectorRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long linesRead = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return reader(split, linesRead);
    }

    private LineReader reader(FileSourceSplit split, long linesRead) throws IOException {
        return new LineReader(split, LineDecoder.create(format, keyField, name(split.path())), linesRead);
    }

    /** A file's name in origins: a local file by its path, any other by its URI. */
    static String name(Path path) {
        URI uri = path.toUri();
        return "file".equals(uri.getScheme()) ? uri.getPath() : path.toString();
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ConnectorRecord> getProducedType() {
        return TypeInformation.of(ConnectorRecord.class);
    }
}
