package io.ledgerstream.connectors.jdbc;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.jdbc.sink.JdbcSinkConnector;
import io.ledgerstream.connectors.jdbc.sink.JdbcSinkSettings;
import io.ledgerstream.connectors.jdbc.source.JdbcSourceConnector;
import io.ledgerstream.connectors.jdbc.source.JdbcSourceSettings;
import io.ledgerstream.connectors.runtime.ConnectorType;
import io.ledgerstream.connectors.runtime.SinkConnector;
import io.ledgerstream.connectors.runtime.SourceConnector;

/** The {@code jdbc} type: a table as a sink (upserts and deletes) or as a polled source. Stateless. */
public final class JdbcConnectorType implements ConnectorType {
    public static final String NAME = "jdbc";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SourceConnector source(Settings block) {
        return new JdbcSourceConnector(JdbcSourceSettings.read(block));
    }

    @Override
    public SinkConnector<?> sink(Settings block) {
        return new JdbcSinkConnector(JdbcSinkSettings.read(block));
    }
}
