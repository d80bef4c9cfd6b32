package io.ledgerstream.log.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A broker's settings as layers, the first that sets a key winning, as in Kafka: dynamic settings of this broker,
 * dynamic settings of every broker (the cluster default), the static configuration the broker started with, and the
 * defaults. Only dynamic keys ({@link BrokerConfigKeys.Key#dynamic()}) have dynamic layers. Immutable.
 *
 * @param config        the static configuration
 * @param clusterLayer  dynamic settings of every broker
 * @param brokerLayer   dynamic settings of this broker
 */
public record BrokerConfigLayers(BrokerConfig config, Map<String, String> clusterLayer,
                                 Map<String, String> brokerLayer) {

    /** Where a setting's value comes from, highest first; the names are Kafka's config sources. */
    public enum Source { DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG }

    /** One layer's value of a key. */
    public record Synonym(String name, String value, Source source) {
    }

    /**
     * A key as described: its value in force and where it comes from, whether it is read-only, and every layer's
     * value of it, highest first.
     */
    public record Setting(BrokerConfigKeys.Key key, String value, Source source, boolean readOnly,
                          List<Synonym> synonyms) {
    }

    /** The defaults every key takes when neither configured nor set dynamically. */
    private static final BrokerConfig DEFAULTS = BrokerConfig.fromMap(Map.of());

    public BrokerConfigLayers {
        clusterLayer = Map.copyOf(clusterLayer);
        brokerLayer = Map.copyOf(brokerLayer);
    }

    /** No dynamic settings yet. */
    public static BrokerConfigLayers of(BrokerConfig config) {
        return new BrokerConfigLayers(config, Map.of(), Map.of());
    }

    /** These layers with the cluster default replaced; the values are checked first. */
    public BrokerConfigLayers withClusterLayer(Map<String, String> layer) {
        BrokerConfigKeys.validateDynamic(layer);
        BrokerConfigLayers changed = new BrokerConfigLayers(config, layer, brokerLayer);
        changed.logDefaults();
        return changed;
    }

    /** These layers with this broker's dynamic settings replaced; the values are checked first. */
    public BrokerConfigLayers withBrokerLayer(Map<String, String> layer) {
        BrokerConfigKeys.validateDynamic(layer);
        BrokerConfigLayers changed = new BrokerConfigLayers(config, clusterLayer, layer);
        changed.logDefaults();
        return changed;
    }

    /**
     * The settings of topics without overrides: the static {@code log.*} keys with the dynamic layers over them.
     *
     * @throws InvalidConfigException if a value is not valid
     */
    public LogConfig logDefaults() {
        Map<String, String> merged = new HashMap<>(config.given());
        merged.putAll(clusterLayer);
        merged.putAll(brokerLayer);
        return BrokerConfig.logDefaults(merged);
    }

    /** Every key as it is in force on this broker. */
    public List<Setting> describe() {
        LogConfig logDefaults = logDefaults();
        List<Setting> settings = new ArrayList<>();
        for (BrokerConfigKeys.Key key : BrokerConfigKeys.all()) {
            List<Synonym> synonyms = new ArrayList<>();
            layer(synonyms, key, brokerLayer, Source.DYNAMIC_BROKER_CONFIG);
            layer(synonyms, key, clusterLayer, Source.DYNAMIC_DEFAULT_BROKER_CONFIG);
            layer(synonyms, key, config.given(), Source.STATIC_BROKER_CONFIG);
            synonyms.add(new Synonym(key.name(), key.value(DEFAULTS, DEFAULTS.defaultLogConfig()),
                    Source.DEFAULT_CONFIG));
            settings.add(new Setting(key, key.value(config, logDefaults), synonyms.get(0).source(), !key.dynamic(),
                    synonyms));
        }
        return settings;
    }

    /** The cluster default's keys, as the default broker resource describes them. */
    public List<Setting> describeClusterLayer() {
        List<Setting> settings = new ArrayList<>();
        for (BrokerConfigKeys.Key key : BrokerConfigKeys.all()) {
            String value = clusterLayer.get(key.name());
            if (value != null) {
                settings.add(new Setting(key, value, Source.DYNAMIC_DEFAULT_BROKER_CONFIG, false,
                        List.of(new Synonym(key.name(), value, Source.DYNAMIC_DEFAULT_BROKER_CONFIG))));
            }
        }
        return settings;
    }

    private static void layer(List<Synonym> synonyms, BrokerConfigKeys.Key key, Map<String, String> layer,
                              Source source) {
        String value = layer.get(key.name());
        if (value != null) {
            synonyms.add(new Synonym(key.name(), value.trim(), source));
        }
    }
}
