package io.ledgerstream.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.config.ConnectorConfigException;
import io.ledgerstream.connectors.files.sink.FilesSink;
import io.ledgerstream.connectors.files.source.FilesSource;
import org.junit.jupiter.api.Test;

/** The files type's keys, read from whole connector files. */
class FilesTypeTest {
    private static Connector parse(String yaml) {
        return ConnectorFile.parse("f.yaml", yaml);
    }

    @Test
    void aSourceNeedsOnlyAPathAndATopic() {
        Connector c = parse("name: in\ntopic: t\nsource: {type: files, path: /data/in}\n");

        assertThat(c.source()).isInstanceOf(FilesSource.class);
        assertThat(c.spec().type()).isEqualTo("files");
    }

    @Test
    void aSourceTakesItsOptionalKeys() {
        Connector c = parse("name: in\ntopic: t\nsource:\n  type: files\n  path: file:///data/in\n"
                + "  file-format: csv\n  key-field: id\n  glob: '*.csv'\n  poll-interval: 500 ms\n");

        assertThat(c.source()).isInstanceOf(FilesSource.class);
    }

    @Test
    void badSourceKeysAreNamed() {
        assertThatThrownBy(() -> parse("name: in\ntopic: t\nsource: {type: files}\n"))
                .isInstanceOf(ConnectorConfigException.class).hasMessage("f.yaml: source.path: is required");
        assertThatThrownBy(() -> parse("name: in\ntopic: t\nsource: {type: files, path: data/in}\n"))
                .hasMessageStartingWith("f.yaml: source.path: must be an absolute folder path");
        assertThatThrownBy(() -> parse("name: in\ntopic: t\nsource: {type: files, path: /d, file-format: xml}\n"))
                .hasMessageStartingWith("f.yaml: source.file-format: must be one of json-lines, csv");
        assertThatThrownBy(() -> parse("name: in\ntopic: t\nsource: {type: files, path: /d, glob: '[a'}\n"))
                .hasMessageStartingWith("f.yaml: source.glob: is not a valid glob");
        assertThatThrownBy(() -> parse("name: in\ntopic: t\nsource: {type: files, path: /d, fields: [a]}\n"))
                .hasMessageStartingWith("f.yaml: source.fields: is not a known key");
    }

    @Test
    void aCsvSinkNeedsItsFields() {
        Connector c = parse("name: out\ntopics: [t]\nsink:\n  type: files\n  path: /data/out\n  file-format: csv\n"
                + "  fields: [id, name]\n  roll-size: 64 MiB\n  roll-interval: 1 min\n");
        assertThat(c.sink()).isInstanceOf(FilesSink.class);

        assertThatThrownBy(() -> parse("name: out\ntopics: [t]\nsink: {type: files, path: /o, file-format: csv}\n"))
                .hasMessageStartingWith("f.yaml: sink.fields: is required with file-format: csv");
        assertThatThrownBy(() -> parse("name: out\ntopics: [t]\nsink: {type: files, path: /o, fields: [a]}\n"))
                .hasMessageStartingWith("f.yaml: sink.fields: is only for file-format: csv");
        assertThatThrownBy(() -> parse("name: out\ntopics: [t]\nsink: {type: files, path: /o, roll-size: 12}\n"))
                .hasMessageStartingWith("f.yaml: sink.roll-size: must be a size of at least 1 KiB");
    }
}
