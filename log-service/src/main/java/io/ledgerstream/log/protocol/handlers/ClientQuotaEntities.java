package io.ledgerstream.log.protocol.handlers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/** The quota entities AlterClientQuotas may name: a user, a client id or both, each by name or as the default. */
final class ClientQuotaEntities {
    private ClientQuotaEntities() {
    }

    /** Why an entity cannot be given quotas, in Kafka's words; null when it can. */
    static String invalidEntity(List<AlterClientQuotasRequestData.EntityData> components) {
        if (components.isEmpty()) {
            return "Invalid empty client quota entity";
        }
        Set<String> types = new HashSet<>();
        for (AlterClientQuotasRequestData.EntityData component : components) {
            String type = component.entityType();
            if (!types.add(type)) {
                return "Invalid client quota entity, duplicate entity entry " + type;
            }
            if (type.equals(ClientQuotaEntity.IP)) {
                return "Quotas of ip entities (connection_creation_rate) are not served by this broker";
            }
            if (!type.equals(ClientQuotaEntity.USER) && !type.equals(ClientQuotaEntity.CLIENT_ID)) {
                return "Unhandled client quota entity type: " + type;
            }
            if (component.entityName() != null && component.entityName().isEmpty()) {
                return "Empty " + type + " not supported";
            }
        }
        return null;
    }

    /** A valid entity as stored: each component's name, null for the default. */
    static ClientQuotaEntity entity(List<AlterClientQuotasRequestData.EntityData> components) {
        Map<String, String> entries = new HashMap<>();
        components.forEach(c -> entries.put(c.entityType(), c.entityName()));
        return new ClientQuotaEntity(entries);
    }
}
