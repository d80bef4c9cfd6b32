package io.ledgerstream.connectors.files.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader format on real files: positions count lines, and a restore resumes after the last record taken. */
class LineFormatTest {
    @TempDir
    java.nio.file.Path dir;

    private FileSourceSplit split(String name, String content) throws Exception {
        java.nio.file.Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return new FileSourceSplit("0", new Path(file.toUri()), 0, Files.size(file), 0, Files.size(file));
    }

    /** Reads everything a reader gives: "line N: value". */
    private static List<String> readAll(BulkFormat.Reader<ConnectorRecord> reader) throws Exception {
        List<String> out = new ArrayList<>();
        BulkFormat.RecordIterator<ConnectorRecord> batch;
        while ((batch = reader.readBatch()) != null) {
            RecordAndPosition<ConnectorRecord> r;
            while ((r = batch.next()) != null) {
                out.add(r.getRecordSkipCount() + ": " + new String(r.getRecord().value, StandardCharsets.UTF_8));
            }
        }
        reader.close();
        return out;
    }

    @Test
    void eachRecordsPositionIsItsLineNumber() throws Exception {
        LineFormat format = new LineFormat(FileFormat.JSON_LINES, null);
        FileSourceSplit split = split("a.jsonl", "{\"n\":1}\r\n\n{\"n\":2}\n{\"n\":3}");

        assertThat(readAll(format.createReader(new Configuration(), split)))
                .containsExactly("1: {\"n\":1}", "3: {\"n\":2}", "4: {\"n\":3}");
    }

    @Test
    void aRestoredReaderGoesOnAfterTheLinesAlreadyRead() throws Exception {
        LineFormat format = new LineFormat(FileFormat.CSV, null);
        FileSourceSplit split = split("a.csv", "id,name\n1,a\n2,b\n3,c\n");

        FileSourceSplit restored = split.updateWithCheckpointedPosition(
                new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 2));

        assertThat(readAll(format.restoreReader(new Configuration(), restored)))
                .containsExactly("3: {\"id\":\"2\",\"name\":\"b\"}", "4: {\"id\":\"3\",\"name\":\"c\"}");
    }

    @Test
    void manyLinesComeInSeveralBatchesWithNoneLost() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 1_234; i++) {
            text.append("{\"n\":").append(i).append("}\n");
        }
        LineFormat format = new LineFormat(FileFormat.JSON_LINES, "n");

        List<String> lines = readAll(format.createReader(new Configuration(), split("big.jsonl", text.toString())));

        assertThat(lines).hasSize(1_234).endsWith("1234: {\"n\":1234}");
    }
}
