package io.ledgerstream.connectors;

import io.ledgerstream.connectors.files.FilesType;
import io.ledgerstream.connectors.http.HttpType;
import io.ledgerstream.connectors.jdbc.JdbcConnectorType;
import io.ledgerstream.connectors.postgres.PostgresCdcType;
import io.ledgerstream.connectors.runtime.ConnectorType;
import java.util.List;
import java.util.Optional;

/** Every connector type there is, by the name a file's {@code type:} key gives. */
final class ConnectorTypes {
    private static final List<ConnectorType> ALL = List.of(
            new PostgresCdcType(),
            new FilesType(),
            new HttpType(),
            new JdbcConnectorType());

    private ConnectorTypes() {
    }

    static Optional<ConnectorType> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    static List<String> names() {
        return ALL.stream().map(ConnectorType::name).toList();
    }
}
