package io.ledgerstream.log.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * Every client quota set in the cluster, as stored in ZooKeeper: by entity (a user, a client id, or both; a null
 * name is the {@code <default>} of its type), the quota keys set on it ({@code producer_byte_rate}, ...) with their
 * values. Immutable; an entity without keys is not kept.
 */
public record ClientQuotas(Map<ClientQuotaEntity, Map<String, Double>> entries) {
    public static final ClientQuotas EMPTY = new ClientQuotas(Map.of());

    public ClientQuotas {
        Map<ClientQuotaEntity, Map<String, Double>> copy = new HashMap<>();
        entries.forEach((entity, quotas) -> {
            if (!quotas.isEmpty()) {
                copy.put(entity, Collections.unmodifiableMap(new TreeMap<>(quotas)));
            }
        });
        entries = Collections.unmodifiableMap(copy);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The quotas of one entity; empty when it has none. */
    public Map<String, Double> of(ClientQuotaEntity entity) {
        return entries.getOrDefault(entity, Map.of());
    }

    /** These quotas with the entity's set to {@code quotas} (none: the entity is removed). */
    public ClientQuotas with(ClientQuotaEntity entity, Map<String, Double> quotas) {
        Map<ClientQuotaEntity, Map<String, Double>> changed = new HashMap<>(entries);
        changed.put(entity, quotas);
        return new ClientQuotas(changed);
    }
}
