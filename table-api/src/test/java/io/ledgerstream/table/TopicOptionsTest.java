package io.ledgerstream.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.api.ValidationException;
import org.junit.jupiter.api.Test;

/** A table's WITH options checked by type and name, without a cluster. */
class TopicOptionsTest {

    @Test
    void noOptionsCreateThreePartitionsWithTheBrokersReplicationAndNoSettings() {
        assertThat(TopicOptions.forCreate(Map.of())).isEqualTo(new TopicOptions(3, Optional.empty(), Map.of()));
    }

    @Test
    void partitionsAndReplicationAreReadAndSettingsKeptAsWritten() {
        TopicOptions options = TopicOptions.forCreate(Map.of("partitions", "2", "replication-factor", "3",
                "retention.ms", " 86400000 ", "min.cleanable.dirty.ratio", "5e-1", "cleanup.policy", "compact,delete"));

        assertThat(options.partitions()).isEqualTo(2);
        assertThat(options.replicationFactor()).contains((short) 3);
        assertThat(options.settings()).isEqualTo(Map.of("retention.ms", " 86400000 ",
                "min.cleanable.dirty.ratio", "5e-1", "cleanup.policy", "compact,delete"));
    }

    @Test
    void anUnknownOptionIsRefusedByName() {
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of("colour", "blue", "partitions", "1")))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Option 'colour' is not one a Ledgerstream table takes: partitions, "
                        + "replication-factor, retention.ms")
                .cause().hasMessageContaining("Unsupported options found for 'ledgerstream'");
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of("colour", "blue", "size", "9")))
                .hasMessageStartingWith("Options 'colour', 'size' are not ones a Ledgerstream table takes");
    }

    @Test
    void theSchemaConfigIsNotAWithOption() {
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of(LedgerstreamOptions.SCHEMA.key(), "{}")))
                .hasMessageStartingWith("Option '" + LedgerstreamOptions.SCHEMA.key() + "' is not one");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of("partitions", "two")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'partitions'")
                .hasMessageContaining("two");
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of("retention.ms", "1 day")))
                .hasMessageContaining("'retention.ms'");
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of("min.cleanable.dirty.ratio", "half")))
                .hasMessageContaining("'min.cleanable.dirty.ratio'");
        assertThatThrownBy(() -> TopicOptions.forCreate(Map.of("replication-factor", "40000")))
                .hasMessageContaining("'replication-factor'")
                .hasMessageContaining("40000");
    }

    @Test
    void anAlterSetsTheTopicSettingsAndKeepsTheTablesOtherOptions() {
        Map<String, String> settings = TopicOptions.forAlter(Map.of("connector", "kafka", "topic", "orders",
                "retention.ms", "3600000"), Set.of("connector", "topic"));

        assertThat(settings).isEqualTo(Map.of("retention.ms", "3600000"));
    }

    @Test
    void anAlterRefusesOptionsTheTableDidNotHaveAndValuesOfTheWrongType() {
        assertThatThrownBy(() -> TopicOptions.forAlter(Map.of("connector", "kafka", "partitions", "5"),
                Set.of("connector")))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("Option 'partitions' cannot be changed on a Ledgerstream table; its topic "
                        + "settings can: retention.ms");
        assertThatThrownBy(() -> TopicOptions.forAlter(Map.of("segment.bytes", "big"), Set.of()))
                .hasMessageContaining("'segment.bytes'");
    }
}
