package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.DynamicBrokerConfig;
import io.ledgerstream.log.manager.TopicAdmin;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * The part AlterConfigs and IncrementalAlterConfigs share: a topic's overrides change through the TopicAdmin, a
 * broker's dynamic settings (one broker's, or every broker's for an empty name) through the
 * {@link DynamicBrokerConfig}; other resources cannot be altered.
 */
final class ConfigChange {
    private ConfigChange() {
    }

    static CompletableFuture<Void> apply(TopicAdmin topics, DynamicBrokerConfig brokerConfig, byte resourceType,
                                         String resourceName, UnaryOperator<Map<String, String>> change,
                                         boolean validateOnly) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        return switch (type) {
            case TOPIC -> topics.alterTopicConfig(resourceName, change, validateOnly);
            case BROKER -> brokerConfig.alter(resourceName, change, validateOnly);
            default -> CompletableFuture.failedFuture(new InvalidRequestException(
                    "Configurations of " + type + " resources cannot be altered; topics' and brokers' can"));
        };
    }
}
