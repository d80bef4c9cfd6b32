package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.runtime.ConnectorType;
import io.ledgerstream.connectors.runtime.SourceConnector;

/** The {@code postgres-cdc} type: row changes of chosen tables through logical replication ({@code pgoutput}). */
public final class PostgresCdcType implements ConnectorType {
    @Override
    public String name() {
        return "postgres-cdc";
    }

    @Override
    public SourceConnector source(String connector, Settings block) {
        return new PostgresCdcConnector(connector, CdcSettings.read(block, connector));
    }
}
