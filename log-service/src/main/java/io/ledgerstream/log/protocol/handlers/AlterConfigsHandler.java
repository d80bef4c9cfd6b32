package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.DynamicBrokerConfig;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;

/**
 * AlterConfigs (the legacy, replace-all form) for topics and brokers: the given configs become the topic's only
 * overrides, or the broker's (every broker's, for an empty name) only dynamic settings.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {
    private final TopicAdmin topics;
    private final DynamicBrokerConfig brokerConfig;

    private final Authorization authorization;

    AlterConfigsHandler(TopicAdmin topics, DynamicBrokerConfig brokerConfig, Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
        this.brokerConfig = brokerConfig;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public short maxVersion() {
        return 2;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AlterConfigsRequest request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<CompletableFuture<Void>> changes = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : request.data().resources()) {
            AlterConfigsResponseData.AlterConfigsResourceResponse result =
                    new AlterConfigsResponseData.AlterConfigsResourceResponse()
                            .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            Errors refused = authorization.refuseConfigs(context, resource.resourceType(), resource.resourceName(),
                    true);
            if (refused != null) {
                result.setErrorCode(refused.code());
                continue;
            }
            CompletableFuture<Void> change = ConfigChange.apply(topics, brokerConfig, resource.resourceType(),
                    resource.resourceName(), overrides -> {
                        overrides.clear();
                        resource.configs().forEach(c -> overrides.put(c.name(), c.value()));
                        return overrides;
                    }, request.data().validateOnly());
            changes.add(change.handle((v, e) -> {
                result.setErrorCode(KafkaErrors.code(e)).setErrorMessage(KafkaErrors.messageOrNull(e));
                return null;
            }));
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new))
                .thenApply(v -> new AlterConfigsResponse(response));
    }
}
