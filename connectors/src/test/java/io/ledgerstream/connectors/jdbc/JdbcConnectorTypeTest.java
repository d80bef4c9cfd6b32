package io.ledgerstream.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.config.ConnectorConfigException;
import io.ledgerstream.connectors.config.Secret;
import io.ledgerstream.connectors.jdbc.sink.JdbcSinkConnector;
import io.ledgerstream.connectors.jdbc.sink.JdbcSinkSettings;
import io.ledgerstream.connectors.jdbc.source.JdbcSourceConnector;
import io.ledgerstream.connectors.jdbc.source.JdbcSourceSettings;
import io.ledgerstream.connectors.jdbc.source.PollMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcConnectorTypeTest {
    private static final String SINK = """
            name: orders-db
            topics: orders
            sink:
              type: jdbc
              url: jdbc:postgresql://db:5432/shop
              user: writer
              password: ${env:DB_PASSWORD}
              table: public.orders
              primary-key: [region, id]
            """;

    @Test
    void aSinkBlockWithDefaults() {
        Connector c = ConnectorFile.parse("orders.yaml", SINK);
        JdbcSinkSettings s = ((JdbcSinkConnector) c.sink()).settings();

        assertThat(s.endpoint()).isEqualTo(new JdbcEndpoint("jdbc:postgresql://db:5432/shop", "writer",
                Secret.parse("${env:DB_PASSWORD}")));
        assertThat(s.table()).isEqualTo(new TableName("public", "orders"));
        assertThat(s.primaryKey()).containsExactly("region", "id");
        assertThat(s.batchSize()).isEqualTo(500);
        assertThat(s.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxRetries()).isEqualTo(5);
        assertThat(s.retryBackoff()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void sinkProblemsNameTheKey() {
        assertThatThrownBy(() -> ConnectorFile.parse("o.yaml", SINK.replace("${env:DB_PASSWORD}", "hunter2")))
                .isInstanceOf(ConnectorConfigException.class).hasMessageStartingWith("o.yaml: sink.password: ")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConnectorFile.parse("o.yaml", SINK.replace("  primary-key: [region, id]\n", "")))
                .hasMessage("o.yaml: sink.primary-key: is required");
        assertThatThrownBy(() -> ConnectorFile.parse("o.yaml", SINK.replace("jdbc:postgresql:", "jdbc:mysql:")))
                .hasMessageStartingWith("o.yaml: sink.url: must be a jdbc:postgresql://");
        assertThatThrownBy(() -> ConnectorFile.parse("o.yaml", SINK + "  batch-size: 0\n"))
                .hasMessageStartingWith("o.yaml: sink.batch-size: must be a whole number from 1");
        assertThatThrownBy(() -> ConnectorFile.parse("o.yaml", SINK + "  mode: timestamp\n"))
                .hasMessageStartingWith("o.yaml: sink.mode: is not a known key");
    }

    @Test
    void aSourceBlockInTimestampMode() {
        Connector c = ConnectorFile.parse("o.yaml", """
                name: orders-poll
                topic: orders
                source:
                  type: jdbc
                  url: jdbc:postgresql://db/shop
                  table: orders
                  mode: timestamp
                  timestamp-column: updated_at
                  incrementing-column: id
                  key-columns: id
                  poll-interval: 200 ms
                """);
        JdbcSourceSettings s = ((JdbcSourceConnector) c.source()).settings();

        assertThat(s.mode()).isEqualTo(PollMode.TIMESTAMP);
        assertThat(s.timestampColumn()).isEqualTo("updated_at");
        assertThat(s.incrementingColumn()).isEqualTo("id");
        assertThat(s.keyColumns()).isEqualTo(List.of("id"));
        assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.batchRows()).isEqualTo(1000);
        assertThat(s.timestampDelay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void sourceProblemsNameTheKey() {
        String base = """
                name: p
                topic: t
                source:
                  type: jdbc
                  url: jdbc:postgresql://db/shop
                  table: orders
                """;
        assertThatThrownBy(() -> ConnectorFile.parse("p.yaml", base))
                .hasMessage("p.yaml: source.mode: is required: incrementing or timestamp");
        assertThatThrownBy(() -> ConnectorFile.parse("p.yaml", base + "  mode: incrementing\n"))
                .hasMessage("p.yaml: source.incrementing-column: is required with mode: incrementing");
        assertThatThrownBy(() -> ConnectorFile.parse("p.yaml", base + "  mode: timestamp\n"))
                .hasMessage("p.yaml: source.timestamp-column: is required with mode: timestamp");
        assertThatThrownBy(() -> ConnectorFile.parse("p.yaml", base
                + "  mode: incrementing\n  incrementing-column: id\n  timestamp-column: ts\n"))
                .hasMessage("p.yaml: source.timestamp-column: is only for mode: timestamp");
    }
}
