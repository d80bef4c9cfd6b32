package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.TopicAdmin;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;

/** The part AlterConfigs and IncrementalAlterConfigs share: only topic resources may change, through the TopicAdmin. */
final class TopicConfigChange {
    private TopicConfigChange() {
    }

    static CompletableFuture<Void> apply(TopicAdmin topics, byte resourceType, String resourceName,
                                         UnaryOperator<Map<String, String>> change, boolean validateOnly) {
        if (ConfigResource.Type.forId(resourceType) != ConfigResource.Type.TOPIC) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                    "Only topic configurations can be altered; broker settings are static"));
        }
        return topics.alterTopicConfig(resourceName, change, validateOnly);
    }
}
