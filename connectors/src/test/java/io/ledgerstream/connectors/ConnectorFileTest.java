package io.ledgerstream.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.config.ConnectorConfigException;
import io.ledgerstream.connectors.runtime.ErrorTolerance;
import org.junit.jupiter.api.Test;

/** Connector files: a good one reads whole; each bad one stops with one line naming the file, the key and why. */
class ConnectorFileTest {
    private static final String CDC = String.join("\n",
            "name: orders-cdc",
            "source:",
            "  type: postgres-cdc",
            "  database: shop",
            "  user: ledgerstream",
            "  password: ${env:PGPASSWORD}",
            "  tables: [orders]",
            "topic: orders",
            "errors:",
            "  tolerance: all",
            "  dead-letter-topic: orders-dlq",
            "");

    @Test
    void readsAGoodFile() {
        Connector connector = ConnectorFile.parse("orders.yaml", CDC);
        assertThat(connector.spec().name()).isEqualTo("orders-cdc");
        assertThat(connector.spec().topic()).isEqualTo("orders");
        assertThat(connector.spec().tolerance()).isEqualTo(ErrorTolerance.ALL);
        assertThat(connector.spec().deadLetterTopic()).contains("orders-dlq");
        assertThat(connector.spec().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(connector.source()).isNotNull();
    }

    @Test
    void aClientConfigIsNamedByPathAndReadWhenTheConnectorIsBuilt(@org.junit.jupiter.api.io.TempDir
                                                                   java.nio.file.Path dir) throws Exception {
        assertThat(ConnectorFile.parse("orders.yaml", CDC).spec().client().isEmpty()).isTrue();
        java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("client.properties"),
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        assertThat(ConnectorFile.parse("orders.yaml", CDC + "client-config: " + good + "\n").spec().client()
                .properties()).containsEntry("security.protocol", "SASL_SSL").hasSize(2);
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.properties"), "sasl.mechanismm=X\n");
        var spec = ConnectorFile.parse("orders.yaml", CDC + "client-config: " + bad + "\n").spec();
        org.assertj.core.api.Assertions.assertThatThrownBy(spec::client)
                .hasMessage("Client config " + bad + ": sasl.mechanismm is not a Kafka client setting");
    }

    @Test
    void anUnknownKeyIsNamed() {
        assertProblem(CDC.replace("  tables:", "  tabels: [x]\n  tables:"),
                "orders.yaml: source.tabels: is not a known key here (in 'source')");
        assertProblem(CDC + "paralelism: 2\n", "orders.yaml: paralelism: is not a known key here");
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        assertProblem(CDC.replace("  database: shop\n", ""), "orders.yaml: source.database: is required");
        assertProblem(CDC.replace("topic: orders\n", ""), "orders.yaml: topic: is required");
        assertProblem(CDC.replace("name: orders-cdc\n", ""), "orders.yaml: name: is required");
    }

    @Test
    void aBadValueIsNamed() {
        assertProblem(CDC.replace("  user:", "  port: abc\n  user:"),
                "orders.yaml: source.port: must be a whole number from 1 to 65535, not 'abc'");
        assertProblem(CDC.replace("tolerance: all", "tolerance: some"),
                "orders.yaml: errors.tolerance: must be one of none, all, not 'some'");
        assertProblem(CDC.replace("type: postgres-cdc", "type: oracle"),
                "orders.yaml: source.type: is not a connector type; the types are ");
        assertProblem(CDC.replace("tolerance: all", "tolerance: none"),
                "orders.yaml: errors.dead-letter-topic: needs errors.tolerance: all");
        assertProblem(CDC + "checkpoint-interval: often\n",
                "orders.yaml: checkpoint-interval: must be a duration such as");
    }

    @Test
    void aPasswordWrittenIntoTheFileIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> ConnectorFile.parse("orders.yaml", CDC.replace("${env:PGPASSWORD}", "hunter2")))
                .isInstanceOf(ConnectorConfigException.class)
                .hasMessageStartingWith("orders.yaml: source.password: give it as ${env:VARIABLE} or ${file:PATH}")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aFileIsOneSourceOrOneSink() {
        assertProblem("name: x\ntopic: t\n", "orders.yaml: needs a source: or a sink: block");
        assertProblem(CDC + "sink:\n  type: jdbc\n", "orders.yaml: has both a source: and a sink: block");
        assertProblem("name: [x\n", "orders.yaml: is not valid YAML");
        assertProblem("", "orders.yaml: is empty");
    }

    private static void assertProblem(String yaml, String message) {
        assertThatThrownBy(() -> ConnectorFile.parse("orders.yaml", yaml))
                .isInstanceOf(ConnectorConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
