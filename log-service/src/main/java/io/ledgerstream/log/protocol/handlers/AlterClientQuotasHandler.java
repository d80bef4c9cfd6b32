package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.ClientQuotaStore;
import io.ledgerstream.log.metadata.ClientQuotas;
import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.quota.QuotaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterClientQuotasRequest;
import org.apache.kafka.common.requests.AlterClientQuotasResponse;

/**
 * AlterClientQuotas (what {@code kafka-configs --alter --entity-type users|clients --add-config|--delete-config}
 * sends), checked as Kafka checks it, then applied to the stored quotas ({@link ClientQuotaStore}) by compare-and-set:
 * <ol>
 *   <li>Without AlterConfigs on the cluster, every entry is CLUSTER_AUTHORIZATION_FAILED.</li>
 *   <li>Each entry's entity and keys are checked; a bad one is INVALID_REQUEST with a message naming the problem
 *       (an empty entity, a type twice, an unknown type, an empty name, an ip entity, which is not served; a key
 *       that is not {@code producer_byte_rate}, {@code consumer_byte_rate} or {@code request_percentage}; a value
 *       not above 0, or fractional for a byte rate).</li>
 *   <li>With {@code validateOnly}, the valid entries answer NONE and nothing is stored.</li>
 *   <li>Otherwise the valid entries are applied together to a fresh read of the quotas and written back; a change by
 *       another broker in between makes it start over, up to {@value #ATTEMPTS} times. Every broker follows the
 *       stored quotas through its ZooKeeper watch.</li>
 * </ol>
 */
public final class AlterClientQuotasHandler implements ApiHandler<AlterClientQuotasRequest> {
    private static final int ATTEMPTS = 5;

    private final ClientQuotaStore store;
    private final Authorization authorization;

    AlterClientQuotasHandler(ClientQuotaStore store, Authorization authorization) {
        this.store = store;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CLIENT_QUOTAS;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AlterClientQuotasRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.ALTER_CONFIGS);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        AlterClientQuotasResponseData response = new AlterClientQuotasResponseData();
        Map<ClientQuotaEntity, List<AlterClientQuotasRequestData.OpData>> changes = new LinkedHashMap<>();
        List<AlterClientQuotasResponseData.EntryData> applied = new ArrayList<>();
        for (AlterClientQuotasRequestData.EntryData entry : request.data().entries()) {
            String invalid = ClientQuotaEntities.invalidEntity(entry.entity());
            if (invalid == null) {
                invalid = invalidOps(entry.ops());
            }
            AlterClientQuotasResponseData.EntryData result = result(entry, invalid);
            response.entries().add(result);
            if (invalid == null) {
                changes.computeIfAbsent(ClientQuotaEntities.entity(entry.entity()), e -> new ArrayList<>())
                        .addAll(entry.ops());
                applied.add(result);
            }
        }
        if (request.validateOnly() || changes.isEmpty()) {
            return CompletableFuture.completedFuture(new AlterClientQuotasResponse(response));
        }
        return apply(changes, ATTEMPTS).handle((v, e) -> {
            if (e != null) {
                Errors error = KafkaErrors.forException(e);
                String message = KafkaErrors.message(e);
                applied.forEach(r -> r.setErrorCode(error.code()).setErrorMessage(message));
            }
            return new AlterClientQuotasResponse(response);
        });
    }

    /** Applies the changes to a fresh read of the quotas; starts over on a concurrent change. */
    private CompletableFuture<Void> apply(Map<ClientQuotaEntity, List<AlterClientQuotasRequestData.OpData>> changes,
                                          int attempts) {
        return store.read().thenCompose(stored -> {
            ClientQuotas next = stored.value();
            for (Map.Entry<ClientQuotaEntity, List<AlterClientQuotasRequestData.OpData>> change : changes.entrySet()) {
                Map<String, Double> quotas = new HashMap<>(next.of(change.getKey()));
                for (AlterClientQuotasRequestData.OpData op : change.getValue()) {
                    if (op.remove()) {
                        quotas.remove(op.key());
                    } else {
                        quotas.put(op.key(), op.value());
                    }
                }
                next = next.with(change.getKey(), quotas);
            }
            return store.write(next, stored.version());
        }).exceptionallyCompose(e -> Futures.unwrap(e) instanceof MetadataConflictException && attempts > 1
                ? apply(changes, attempts - 1) : CompletableFuture.failedFuture(e));
    }

    /** Why the operations cannot be applied; null when they can. */
    private static String invalidOps(List<AlterClientQuotasRequestData.OpData> ops) {
        for (AlterClientQuotasRequestData.OpData op : ops) {
            QuotaType type = QuotaType.forKey(op.key());
            if (type == null) {
                return "Invalid configuration key " + op.key() + " (the quotas served are "
                        + String.join(", ", QuotaType.keys()) + ")";
            }
            if (op.remove()) {
                continue;
            }
            if (!(op.value() > 0.0)) {
                return "Quota " + op.key() + " must be greater than 0";
            }
            if (type.integral() && op.value() > Long.MAX_VALUE) {
                return "Proposed value for " + op.key() + " is too large for a LONG.";
            }
            if (type.integral() && Math.abs(op.value() % 1.0) > 1e-6) {
                return op.key() + " cannot be a fractional value.";
            }
        }
        return null;
    }

    private static AlterClientQuotasResponseData.EntryData result(AlterClientQuotasRequestData.EntryData entry,
                                                                 String invalid) {
        List<AlterClientQuotasResponseData.EntityData> entity = new ArrayList<>();
        entry.entity().forEach(e -> entity.add(new AlterClientQuotasResponseData.EntityData()
                .setEntityType(e.entityType()).setEntityName(e.entityName())));
        return new AlterClientQuotasResponseData.EntryData().setEntity(entity)
                .setErrorCode(invalid == null ? Errors.NONE.code() : Errors.INVALID_REQUEST.code())
                .setErrorMessage(invalid);
    }
}
