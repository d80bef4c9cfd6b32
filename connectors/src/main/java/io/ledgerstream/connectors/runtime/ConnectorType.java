package io.ledgerstream.connectors.runtime;

import io.ledgerstream.connectors.config.Settings;

/**
 * One connector type ({@code postgres-cdc}, {@code jdbc}, ...): reads and validates its block of a connector file
 * into a source or a sink, without contacting anything. A type that is only a source, or only a sink, keeps the
 * default for the other role, which names the problem.
 */
public interface ConnectorType {
    /** The word a file's {@code type:} key gives. */
    String name();

    /** Reads a {@code source:} block. Every key it reads counts as known; the caller rejects the rest. */
    default SourceConnector source(Settings block) {
        throw block.problem("type", "'" + name() + "' is a sink type, not a source type");
    }

    /** Reads a {@code source:} block of the named connector; types that name things after it override this. */
    default SourceConnector source(String connector, Settings block) {
        return source(block);
    }

    /** Reads a {@code sink:} block. */
    default SinkConnector<?> sink(Settings block) {
        throw block.problem("type", "'" + name() + "' is a source type, not a sink type");
    }
}
