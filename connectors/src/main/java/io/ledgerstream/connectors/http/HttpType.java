package io.ledgerstream.connectors.http;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.runtime.ConnectorType;
import io.ledgerstream.connectors.runtime.SinkConnector;

/** The {@code http} type: a sink that POSTs records as JSON to one URL. */
public final class HttpType implements ConnectorType {
    public static final String NAME = "http";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SinkConnector<?> sink(Settings block) {
        return HttpSink.read(block);
    }
}
