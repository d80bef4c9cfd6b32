package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.manager.DynamicBrokerConfig;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs for topics and brokers: SET and DELETE of topic configs and of dynamic broker settings
 * (the topic defaults, see {@link io.ledgerstream.log.config.BrokerConfigKeys}), validated before anything is stored
 * and applied to open logs at once. APPEND and SUBTRACT (list configs) are refused, as are read-only broker keys.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    private final TopicAdmin topics;
    private final DynamicBrokerConfig brokerConfig;

    private final Authorization authorization;

    IncrementalAlterConfigsHandler(TopicAdmin topics, DynamicBrokerConfig brokerConfig, Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
        this.brokerConfig = brokerConfig;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, IncrementalAlterConfigsRequest request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        List<CompletableFuture<Void>> changes = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource : request.data().resources()) {
            IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result =
                    new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
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
                        apply(resource, overrides);
                        return overrides;
                    }, request.data().validateOnly());
            changes.add(change.handle((v, e) -> {
                result.setErrorCode(KafkaErrors.code(e)).setErrorMessage(KafkaErrors.messageOrNull(e));
                return null;
            }));
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new))
                .thenApply(v -> new IncrementalAlterConfigsResponse(response));
    }

    private static void apply(IncrementalAlterConfigsRequestData.AlterConfigsResource resource,
                              Map<String, String> overrides) {
        for (IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs()) {
            AlterConfigOp.OpType op = AlterConfigOp.OpType.forId(config.configOperation());
            if (op == AlterConfigOp.OpType.SET) {
                overrides.put(config.name(), config.value());
            } else if (op == AlterConfigOp.OpType.DELETE) {
                overrides.remove(config.name());
            } else {
                throw new InvalidConfigurationException("Operation " + op + " on " + config.name()
                        + " is not supported; use SET or DELETE");
            }
        }
    }
}
