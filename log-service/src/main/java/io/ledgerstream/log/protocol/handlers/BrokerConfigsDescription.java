package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.config.BrokerConfigLayers;
import io.ledgerstream.log.manager.DynamicBrokerConfig;
import java.util.List;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs of broker resources: for this broker's id every broker key with its value in force, where it comes
 * from (dynamic for this broker, dynamic for every broker, static, default), whether it is read-only and, when asked,
 * each layer's value as a synonym (passwords are sensitive: described without their value, as in Kafka); for the
 * empty name (every broker) the dynamic settings of every broker. Another
 * broker's id is INVALID_REQUEST (clients send it to that broker); broker loggers are not exposed.
 */
final class BrokerConfigsDescription {
    private BrokerConfigsDescription() {
    }

    static void describe(DynamicBrokerConfig dynamic, int brokerId,
                         DescribeConfigsRequestData.DescribeConfigsResource resource, boolean includeSynonyms,
                         DescribeConfigsResponseData.DescribeConfigsResult result) {
        if (ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.BROKER_LOGGER) {
            result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Broker loggers are not exposed: log "
                    + "levels are set in the broker's logging configuration");
            return;
        }
        String name = resource.resourceName();
        List<BrokerConfigLayers.Setting> settings;
        if (name == null || name.isEmpty()) {
            settings = dynamic.layers().describeClusterLayer();
        } else if (name.equals(Integer.toString(brokerId))) {
            settings = dynamic.layers().describe();
        } else {
            result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unexpected broker id " + name
                    + ": broker " + brokerId + " describes itself and every broker (an empty name)");
            return;
        }
        for (BrokerConfigLayers.Setting setting : settings) {
            String key = setting.key().name();
            if (resource.configurationKeys() != null && !resource.configurationKeys().contains(key)) {
                continue;
            }
            boolean sensitive = setting.key().sensitive();
            DescribeConfigsResponseData.DescribeConfigsResourceResult entry =
                    new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                            .setName(key)
                            .setValue(sensitive ? null : setting.value())
                            .setReadOnly(setting.readOnly())
                            .setIsSensitive(sensitive)
                            .setConfigSource(source(setting.source()).id())
                            .setConfigType(DescribeConfigsResponse.ConfigType.valueOf(setting.key().type().name()).id());
            if (includeSynonyms) {
                for (BrokerConfigLayers.Synonym synonym : setting.synonyms()) {
                    entry.synonyms().add(new DescribeConfigsResponseData.DescribeConfigsSynonym()
                            .setName(synonym.name()).setValue(sensitive ? null : synonym.value())
                            .setSource(source(synonym.source()).id()));
                }
            }
            result.configs().add(entry);
        }
        result.setErrorCode(Errors.NONE.code());
    }

    private static DescribeConfigsResponse.ConfigSource source(BrokerConfigLayers.Source source) {
        return DescribeConfigsResponse.ConfigSource.valueOf(source.name());
    }
}
