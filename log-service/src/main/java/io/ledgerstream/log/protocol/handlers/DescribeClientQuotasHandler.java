package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.common.requests.DescribeClientQuotasResponse;

/**
 * DescribeClientQuotas: the filter is checked as Kafka checks it (user, client-id and ip components, each once, ip
 * not with the others) and no quota matches, because none can be set yet: AlterClientQuotas is not served. It is
 * served so that {@code kafka-configs --describe --entity-type users}, which asks for quotas before SCRAM
 * credentials, works. As in Kafka, it needs DescribeConfigs on the cluster (else CLUSTER_AUTHORIZATION_FAILED).
 */
public final class DescribeClientQuotasHandler implements ApiHandler<DescribeClientQuotasRequest> {
    private final Authorization authorization;

    DescribeClientQuotasHandler(Authorization authorization) {
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
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.DESCRIBE_CONFIGS);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        List<ClientQuotaFilterComponent> components;
        try {
            components = List.copyOf(request.filter().components());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        Set<String> types = new HashSet<>();
        for (ClientQuotaFilterComponent component : components) {
            String type = component.entityType();
            switch (type) {
                case ClientQuotaEntity.USER, ClientQuotaEntity.CLIENT_ID, ClientQuotaEntity.IP -> {
                    if (!types.add(type)) {
                        throw new InvalidRequestException("Duplicate " + (type.equals(ClientQuotaEntity.CLIENT_ID)
                                ? "client" : type) + " filter component entity type");
                    }
                }
                case "" -> throw new InvalidRequestException("Unexpected empty filter component entity type");
                default -> throw new UnsupportedVersionException("Custom entity type '" + type + "' not supported");
            }
        }
        if (types.contains(ClientQuotaEntity.IP) && types.size() > 1) {
            throw new InvalidRequestException("Invalid entity filter component combination, IP filter component "
                    + "should not be used with user or clientId filter component.");
        }
        return CompletableFuture.completedFuture(new DescribeClientQuotasResponse(
                new DescribeClientQuotasResponseData().setErrorCode(Errors.NONE.code())));
    }
}
