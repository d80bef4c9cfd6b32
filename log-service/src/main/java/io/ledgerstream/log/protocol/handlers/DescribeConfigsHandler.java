package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.config.BrokerConfigLayers;
import io.ledgerstream.log.config.InertTopicConfigs;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.manager.DynamicBrokerConfig;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs: a topic's effective value of every topic config Kafka 4 knows (those without effect here too),
 * each marked as a topic override or as inherited (from a dynamic or static broker setting, or Kafka's default); a
 * broker's settings as {@link BrokerConfigsDescription}
 * describes them.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private final TopicAdmin topics;
    private final DynamicBrokerConfig brokerConfig;

    private final Authorization authorization;

    DescribeConfigsHandler(TopicAdmin topics, DynamicBrokerConfig brokerConfig, Authorization authorization) {
        this.authorization = authorization;
        this.topics = topics;
        this.brokerConfig = brokerConfig;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeConfigsRequest request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData.DescribeConfigsResult()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.results().add(result);
            Errors refused = authorization.refuseConfigs(context, resource.resourceType(), resource.resourceName(),
                    false);
            if (refused != null) {
                result.setErrorCode(refused.code());
                continue;
            }
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            if (type == ConfigResource.Type.BROKER || type == ConfigResource.Type.BROKER_LOGGER) {
                BrokerConfigsDescription.describe(brokerConfig, topics.config().brokerId(), resource,
                        request.data().includeSynonyms(), result);
                continue;
            }
            if (type != ConfigResource.Type.TOPIC) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unsupported resource type " + type);
                continue;
            }
            lookups.add(topics.topic(resource.resourceName()).handle((topic, error) -> {
                if (error != null) {
                    result.setErrorCode(KafkaErrors.forException(error).code()).setErrorMessage(KafkaErrors.message(error));
                    return null;
                }
                Map<String, String> overrides = topic.configOverrides();
                Map<String, DescribeConfigsResponse.ConfigSource> inherited = inheritedSources();
                LogConfig effective = topics.logDefaults().withOverrides(overrides);
                Map<String, String> described = new LinkedHashMap<>(effective.asMap());
                // Without an override, ledgers keep the ack quorum the topic was created with.
                described.putIfAbsent(LogConfig.MIN_INSYNC_REPLICAS,
                        Integer.toString(topic.replication().ackQuorum()));
                for (String key : InertTopicConfigs.KEYS) {
                    described.put(key, overrides.getOrDefault(key, InertTopicConfigs.defaultValue(key)));
                }
                LogConfig.CLIENT_KEYS.stream().filter(overrides::containsKey)
                        .forEach(key -> described.put(key, overrides.get(key)));
                for (Map.Entry<String, String> entry : described.entrySet()) {
                    if (resource.configurationKeys() != null && !resource.configurationKeys().contains(entry.getKey())) {
                        continue;
                    }
                    boolean overridden = overrides.containsKey(entry.getKey());
                    result.configs().add(new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                            .setName(entry.getKey())
                            .setValue(entry.getValue())
                            .setReadOnly(false)
                            .setIsSensitive(false)
                            .setConfigSource((overridden ? DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG
                                    : inherited.getOrDefault(entry.getKey(),
                                            DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG)).id())
                            .setConfigType(typeOf(entry.getKey()).id()));
                }
                result.setErrorCode(Errors.NONE.code());
                return null;
            }));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> new DescribeConfigsResponse(response));
    }

    /**
     * Where each topic config a topic does not override takes its value from, as Kafka reports it: the broker key
     * that sets its default, dynamic or static, or Kafka's default.
     */
    private Map<String, DescribeConfigsResponse.ConfigSource> inheritedSources() {
        Map<String, DescribeConfigsResponse.ConfigSource> sources = new java.util.HashMap<>();
        for (BrokerConfigLayers.Setting setting : brokerConfig.layers().describe()) {
            if (setting.key().dynamic()) {
                sources.put(setting.key().topicKey(),
                        DescribeConfigsResponse.ConfigSource.valueOf(setting.source().name()));
            }
        }
        return sources;
    }

    /** The types Kafka gives its topic configs. */
    private static DescribeConfigsResponse.ConfigType typeOf(String key) {
        if (InertTopicConfigs.KEYS.contains(key)) {
            return DescribeConfigsResponse.ConfigType.valueOf(InertTopicConfigs.type(key).name());
        }
        return switch (key) {
            case LogConfig.CLEANUP_POLICY -> DescribeConfigsResponse.ConfigType.LIST;
            case LogConfig.MAX_MESSAGE_BYTES, LogConfig.MIN_INSYNC_REPLICAS, LogConfig.COMPRESSION_GZIP_LEVEL,
                 LogConfig.COMPRESSION_LZ4_LEVEL, LogConfig.COMPRESSION_ZSTD_LEVEL ->
                    DescribeConfigsResponse.ConfigType.INT;
            case LogConfig.MIN_CLEANABLE_DIRTY_RATIO -> DescribeConfigsResponse.ConfigType.DOUBLE;
            case LogConfig.MESSAGE_TIMESTAMP_TYPE, LogConfig.COMPRESSION_TYPE ->
                    DescribeConfigsResponse.ConfigType.STRING;
            default -> LogConfig.CLIENT_KEYS.contains(key) ? DescribeConfigsResponse.ConfigType.STRING
                    : DescribeConfigsResponse.ConfigType.LONG;
        };
    }
}
