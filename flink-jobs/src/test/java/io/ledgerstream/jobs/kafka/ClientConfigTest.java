package io.ledgerstream.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and checking a client config file, and handing it to every source and sink. */
class ClientConfigTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("client.properties"), text);
    }

    @Test
    void readsKafkaClientKeysAndGivesThemToSourcesAndSinks() throws IOException {
        Path trust = Files.writeString(dir.resolve("trust.p12"), "x");
        Path config = file("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"admin\" password=\"s3cret\";\nssl.truststore.location=" + trust + "\n"
                + "ssl.truststore.type=PKCS12\n");
        KafkaTopics topics = KafkaTopics.fromParams(ParameterTool.fromMap(Map.of("bootstrap-servers", "b:9092",
                "client-config", config.toString())));

        assertThat(topics.client().properties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", trust.toString()).hasSize(5);
        assertThat(topics.client().toString()).doesNotContain("s3cret");
        assertThat(topics.client().over(Map.of("bootstrap.servers", "b:9092")))
                .containsEntry("bootstrap.servers", "b:9092").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void withoutTheOptionClientsAreLeftAlone() {
        assertThat(KafkaTopics.fromParams(ParameterTool.fromMap(Map.of("bootstrap-servers", "b:9092"))).client()
                .isEmpty()).isTrue();
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> ClientConfig.load(missing))
                .isInstanceOf(ClientConfigException.class)
                .hasMessage("Client config " + missing + " cannot be read (no such file)");
    }

    @Test
    void anUnknownKeyIsNamed() throws IOException {
        Path config = file("security.protocol=SSL\nsecurity.protocoll=SSL\n");
        assertThatThrownBy(() -> ClientConfig.load(config))
                .hasMessage("Client config " + config + ": security.protocoll is not a Kafka client setting");
    }

    @Test
    void aBadValueIsNamedWithKafkasReason() throws IOException {
        Path config = file("security.protocol=SASL_TLS\n");
        assertThatThrownBy(() -> ClientConfig.load(config))
                .hasMessageStartingWith("Client config " + config + ": security.protocol is invalid: ")
                .hasMessageContaining("SASL_TLS");
        Path number = file("request.timeout.ms=soon\n");
        assertThatThrownBy(() -> ClientConfig.load(number))
                .hasMessageStartingWith("Client config " + number + ": request.timeout.ms is invalid: ");
    }

    @Test
    void aStoreThatCannotBeReadIsNamed() throws IOException {
        Path config = file("ssl.keystore.location=" + dir.resolve("missing.p12") + "\n");
        assertThatThrownBy(() -> ClientConfig.load(config))
                .hasMessage("Client config " + config + ": ssl.keystore.location names " + dir.resolve("missing.p12")
                        + ", which cannot be read");
    }

    @Test
    void bootstrapServersBelongToTheCommand() throws IOException {
        Path config = file("bootstrap.servers=x:1\n");
        assertThatThrownBy(() -> ClientConfig.load(config))
                .hasMessageStartingWith("Client config " + config + ": bootstrap.servers is given by");
    }
}
