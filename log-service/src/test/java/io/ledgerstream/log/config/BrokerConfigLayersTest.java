package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.BrokerConfigLayers.Setting;
import io.ledgerstream.log.config.BrokerConfigLayers.Source;
import io.ledgerstream.log.config.BrokerConfigLayers.Synonym;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigLayersTest {
    private static final BrokerConfig CONFIG = BrokerConfig.fromMap(Map.of(
            "broker.id", "3", "log.retention.ms", "7200000", "num.partitions", "4"));

    private static Setting setting(BrokerConfigLayers layers, String key) {
        return layers.describe().stream().filter(s -> s.key().name().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void eachKeyComesFromTheHighestLayerThatSetsItWithEveryLayerAsASynonym() {
        BrokerConfigLayers layers = BrokerConfigLayers.of(CONFIG)
                .withClusterLayer(Map.of("log.retention.ms", "3600000", "log.segment.bytes", "1048576"))
                .withBrokerLayer(Map.of("log.retention.ms", "60000"));

        Setting retention = setting(layers, "log.retention.ms");
        assertThat(retention.value()).isEqualTo("60000");
        assertThat(retention.source()).isEqualTo(Source.DYNAMIC_BROKER_CONFIG);
        assertThat(retention.readOnly()).isFalse();
        assertThat(retention.synonyms()).containsExactly(
                new Synonym("log.retention.ms", "60000", Source.DYNAMIC_BROKER_CONFIG),
                new Synonym("log.retention.ms", "3600000", Source.DYNAMIC_DEFAULT_BROKER_CONFIG),
                new Synonym("log.retention.ms", "7200000", Source.STATIC_BROKER_CONFIG),
                new Synonym("log.retention.ms", "604800000", Source.DEFAULT_CONFIG));
        assertThat(setting(layers, "log.segment.bytes").source()).isEqualTo(Source.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(layers.logDefaults().retentionMs()).isEqualTo(60_000);
        assertThat(layers.logDefaults().segmentBytes()).isEqualTo(1_048_576);

        Setting partitions = setting(layers, "num.partitions");
        assertThat(partitions.value()).isEqualTo("4");
        assertThat(partitions.source()).isEqualTo(Source.STATIC_BROKER_CONFIG);
        assertThat(partitions.readOnly()).isTrue();
        Setting rack = setting(layers, "broker.rack");
        assertThat(rack.value()).isNull();
        assertThat(rack.source()).isEqualTo(Source.DEFAULT_CONFIG);
        assertThat(setting(layers, "compression.type").value()).isEqualTo("producer");
        assertThat(setting(layers, "log.cleanup.policy").key().type()).isEqualTo(BrokerConfigKeys.Type.LIST);

        assertThat(layers.describeClusterLayer()).extracting(s -> s.key().name())
                .containsExactly("log.retention.ms", "log.segment.bytes");
    }

    @Test
    void onlyTopicDefaultsAreDynamicAndBadValuesNameTheirKey() {
        BrokerConfigLayers layers = BrokerConfigLayers.of(CONFIG);
        assertThatThrownBy(() -> layers.withBrokerLayer(Map.of("num.partitions", "8")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'num.partitions'")
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> layers.withClusterLayer(Map.of("no.such.key", "1")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'no.such.key'")
                .hasMessageContaining("not a broker config");
        assertThatThrownBy(() -> layers.withBrokerLayer(Map.of("log.segment.bytes", "12")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'log.segment.bytes'");
        assertThatThrownBy(() -> layers.withBrokerLayer(Map.of("log.cleanup.policy", "shred")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'log.cleanup.policy'");
        assertThat(BrokerConfigKeys.all()).filteredOn(BrokerConfigKeys.Key::dynamic)
                .allSatisfy(key -> assertThat(LogConfig.HONOURED_KEYS).contains(key.topicKey()));
    }
}
