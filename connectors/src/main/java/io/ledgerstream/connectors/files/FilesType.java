package io.ledgerstream.connectors.files;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.files.sink.FilesSink;
import io.ledgerstream.connectors.files.source.FilesSource;
import io.ledgerstream.connectors.runtime.ConnectorType;
import io.ledgerstream.connectors.runtime.SinkConnector;
import io.ledgerstream.connectors.runtime.SourceConnector;

/** The {@code files} type: a folder read file by file as a source, or written in rolling part files as a sink. */
public final class FilesType implements ConnectorType {
    public static final String NAME = "files";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SourceConnector source(Settings block) {
        return FilesSource.read(block);
    }

    @Override
    public SinkConnector<?> sink(Settings block) {
        return FilesSink.read(block);
    }
}
