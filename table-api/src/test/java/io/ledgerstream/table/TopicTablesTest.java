package io.ledgerstream.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flink-connector-kafka options a topic's table reads and writes with, without a cluster. */
class TopicTablesTest {
    private static final List<TopicSchema.Column> COLUMNS = List.of(new TopicSchema.Column("id", "VARCHAR(2147483647)"),
            new TopicSchema.Column("n", "BIGINT"));

    /** What every table has: read_committed reads, exactly-once writes in transactions the broker accepts. */
    private static Map<String, String> withTransactions(String topic, Map<String, String> options) {
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("properties.isolation.level", "read_committed");
        all.put("sink.delivery-guarantee", "exactly-once");
        all.put("sink.transactional-id-prefix", "ledgerstream-" + topic);
        all.put("properties.transaction.timeout.ms", "600000");
        return all;
    }

    @Test
    void aTopicWithoutASchemaIsARawTableOfKeyAndValue() {
        assertThat(TopicTables.table("plain", null, "host:9092", Map.of(), "").getOptions())
                .isEqualTo(withTransactions("plain", Map.of(
                "topic", "plain",
                "properties.bootstrap.servers", "host:9092",
                "connector", "kafka",
                "scan.startup.mode", "earliest-offset",
                "key.format", "raw",
                "key.fields", "key",
                "value.format", "raw",
                "value.fields-include", "EXCEPT_KEY")));
    }

    @Test
    void aTopicWithASchemaAndNoKeyIsAnAppendStreamOfJson() {
        TopicSchema schema = new TopicSchema(TopicSchema.CURRENT_VERSION, COLUMNS, List.of(), "json");

        assertThat(TopicTables.table("clicks", schema, "host:9092", Map.of(), "").getOptions()).isEqualTo(withTransactions(
                "clicks", Map.of(
                "topic", "clicks",
                "properties.bootstrap.servers", "host:9092",
                "connector", "kafka",
                "scan.startup.mode", "earliest-offset",
                "value.format", "json")));
    }

    @Test
    void aTopicWithAKeyIsAnUpsertChangelog() {
        TopicSchema schema = new TopicSchema(TopicSchema.CURRENT_VERSION, COLUMNS, List.of("id"), "json");

        assertThat(TopicTables.table("totals", schema, "host:9092", Map.of(), "").getOptions()).isEqualTo(withTransactions(
                "totals", Map.of(
                "topic", "totals",
                "properties.bootstrap.servers", "host:9092",
                "connector", "upsert-kafka",
                "key.format", "json",
                "value.format", "json",
                "value.fields-include", "ALL")));
    }

    @Test
    void clientSettingsArePropertiesOptionsThatCannotOverrideTheTablesOwn() {
        Map<String, String> options = TopicTables.table("plain", null, "host:9092", Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "isolation.level", "read_uncommitted"), "").getOptions();
        assertThat(options).containsEntry("properties.security.protocol", "SASL_SSL")
                .containsEntry("properties.sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("properties.isolation.level", "read_committed");
    }
}
