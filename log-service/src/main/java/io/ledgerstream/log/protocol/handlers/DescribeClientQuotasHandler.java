package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.metadata.ClientQuotaStore;
import io.ledgerstream.log.metadata.ClientQuotas;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasResponse;

/**
 * DescribeClientQuotas (what {@code kafka-configs --describe --entity-type users|clients} sends): the stored quotas
 * ({@link ClientQuotaStore}, read afresh, so a change through any broker shows at once) of every entity the filter
 * matches, as Kafka matches them: each component names an entity type once, with an exact name, the default, or any
 * name given; a strict filter matches only entities of exactly those types. Without DescribeConfigs on the cluster
 * the answer is CLUSTER_AUTHORIZATION_FAILED; a bad filter INVALID_REQUEST, naming the problem.
 */
public final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequest> {
    private final ClientQuotaStore store;
    private final Authorization authorization;

    DescribeClientQuotasHandler(ClientQuotaStore store, Authorization authorization) {
        this.store = store;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeClientQuotasRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request,
                AclOperation.DESCRIBE_CONFIGS);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Map<String, String> exact = new HashMap<>();
        Set<String> any = new HashSet<>();
        for (DescribeClientQuotasRequestData.ComponentData component : request.data().components()) {
            String type = component.entityType();
            switch (type) {
                case ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID, ClientQuotaEntity.IP -> {
                    if (exact.containsKey(type) || any.contains(type)) {
                        throw new InvalidRequestException("Entity type " + type
                                + " cannot appear more than once in the filter.");
                    }
                }
                case "" -> throw new InvalidRequestException("Invalid empty entity type.");
                default -> throw new UnsupportedVersionException("Unsupported entity type " + type);
            }
            switch (component.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> {
                    if (component.match() == null) {
                        throw new InvalidRequestException("MATCH_TYPE_EXACT with a null match string");
                    }
                    exact.put(type, component.match());
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT -> {
                    if (component.match() != null) {
                        throw new InvalidRequestException("MATCH_TYPE_DEFAULT with a match string");
                    }
                    exact.put(type, null);
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED -> {
                    if (component.match() != null) {
                        throw new InvalidRequestException("MATCH_TYPE_SPECIFIED with a match string");
                    }
                    any.add(type);
                }
                default -> throw new InvalidRequestException("Unknown match type " + component.matchType());
            }
        }
        boolean ip = exact.containsKey(ClientQuotaEntity.IP) || any.contains(ClientQuotaEntity.IP);
        if (ip && exact.size() + any.size() > 1) {
            throw new InvalidRequestException("Invalid entity filter component combination, IP filter component "
                    + "should not be used with user or clientId filter component.");
        }
        boolean strict = request.data().strict();
        return store.read().thenApply(stored -> new DescribeClientQuotasResponse(
                describe(stored.value(), exact, any, strict)));
    }

    private static DescribeClientQuotasResponseData describe(ClientQuotas quotas, Map<String, String> exact,
                                                             Set<String> any, boolean strict) {
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData()
                .setErrorCode(Errors.NONE.code());
        quotas.entries().forEach((entity, values) -> {
            if (!matches(entity.entries(), exact, any, strict)) {
                return;
            }
            DescribeClientQuotasResponseData.EntryData entry = new DescribeClientQuotasResponseData.EntryData();
            entity.entries().forEach((type, name) -> entry.entity().add(
                    new DescribeClientQuotasResponseData.EntityData().setEntityType(type).setEntityName(name)));
            values.forEach((key, value) -> entry.values().add(
                    new DescribeClientQuotasResponseData.ValueData().setKey(key).setValue(value)));
            response.entries().add(entry);
        });
        return response;
    }

    private static boolean matches(Map<String, String> entity, Map<String, String> exact, Set<String> any,
                                   boolean strict) {
        if (strict && entity.size() != exact.size() + any.size()) {
            return false;
        }
        for (Map.Entry<String, String> component : exact.entrySet()) {
            if (!entity.containsKey(component.getKey())
                    || !Objects.equals(entity.get(component.getKey()), component.getValue())) {
                return false;
            }
        }
        return entity.keySet().containsAll(any);
    }
}
