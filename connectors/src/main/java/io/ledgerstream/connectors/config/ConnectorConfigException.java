package io.ledgerstream.connectors.config;

/**
 * A connector file that cannot run: its message is one line naming the file, the key and the problem, e.g.
 * {@code orders.yaml: source.port: must be a whole number from 1 to 65535, not 'abc'}.
 */
public final class ConnectorConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectorConfigException(String file, String key, String problem) {
        super(file + ": " + key + ": " + problem);
    }

    public ConnectorConfigException(String file, String problem) {
        super(file + ": " + problem);
    }
}
