package io.ledgerstream.connectors.files.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Reads one file line by line (UTF-8, lines ended by LF or CRLF) and decodes batches of lines into records. Its
 * position is the count of lines read, so a restored reader skips that many lines (handing them to the decoder's
 * {@link LineDecoder#skip}, which keeps a CSV header) and goes on with the next.
 *
 * <p>Not thread-safe: Flink's split fetcher thread owns it.
 */
final class LineReader implements BulkFormat.Reader<ConnectorRecord> {
    /** Lines read per batch: enough to amortize the hand-over to the source's main thread. */
    private static final int LINES_PER_BATCH = 500;

    private final BufferedReader lines;
    private final LineDecoder decoder;
    private long lineNumber;
    private boolean ended;

    /**
     * Opens the split's file.
     *
     * @param linesRead lines already read before a restore, skipped now
     */
    LineReader(FileSourceSplit split, LineDecoder decoder, long linesRead) throws IOException {
        Path path = split.path();
        FileSystem fs = path.getFileSystem();
        this.lines = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8));
        this.decoder = decoder;
        try {
            while (lineNumber < linesRead) {
                String line = lines.readLine();
                if (line == null) {
                    ended = true;
                    return;
                }
                lineNumber++;
                decoder.skip(lineNumber, line);
            }
        } catch (IOException e) {
            lines.close();
            throw e;
        }
    }

    @Override
    public BulkFormat.RecordIterator<ConnectorRecord> readBatch() throws IOException {
        LineBatch batch = new LineBatch();
        while (!ended && batch.isEmpty()) {
            for (int i = 0; i < LINES_PER_BATCH; i++) {
                String line = lines.readLine();
                if (line == null) {
                    ended = true;
                    break;
                }
                lineNumber++;
                ConnectorRecord record = decoder.decode(lineNumber, line);
                if (record != null) {
                    batch.add(record, lineNumber);
                }
            }
        }
        return batch.isEmpty() ? null : batch;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
