package io.ledgerstream.log.quota;

import io.ledgerstream.log.metadata.ClientQuotas;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * Which quota applies to a client, in Kafka's order of precedence: the first of user and client id, user and default
 * client id, user, default user and client id, default user and default client id, default user, client id, default
 * client id that sets the quota. The entity found also says whom the measure is shared by: a quota set on a user
 * alone is shared by all of that user's client ids, one on a client id alone by every user of that client id, and
 * a default one is applied to each user (client id) on its own.
 *
 * <p>Immutable: built from one state of the stored quotas.
 */
public final class QuotaLimits {
    public static final QuotaLimits NONE = new QuotaLimits(ClientQuotas.EMPTY);

    private final ClientQuotas quotas;

    public QuotaLimits(ClientQuotas quotas) {
        this.quotas = quotas;
    }

    /**
     * A quota in force: its bound, and the user and client id whose requests share its measure ("" for a component
     * the quota does not distinguish).
     */
    public record Limit(double bound, String user, String clientId) {
    }

    /** Whether no quota is set at all, so nothing needs measuring. */
    public boolean isEmpty() {
        return quotas.isEmpty();
    }

    /** The quota of {@code type} for a client; null when none applies. */
    public Limit limit(QuotaType type, String user, String clientId) {
        if (quotas.isEmpty()) {
            return null;
        }
        Limit found;
        if ((found = find(type, entity(user, clientId), user, clientId)) != null
                || (found = find(type, entity(user, null), user, clientId)) != null
                || (found = find(type, userOnly(user), user, "")) != null
                || (found = find(type, entity(null, clientId), user, clientId)) != null
                || (found = find(type, entity(null, null), user, clientId)) != null
                || (found = find(type, userOnly(null), user, "")) != null
                || (found = find(type, clientOnly(clientId), "", clientId)) != null) {
            return found;
        }
        return find(type, clientOnly(null), "", clientId);
    }

    private Limit find(QuotaType type, ClientQuotaEntity entity, String user, String clientId) {
        Double bound = quotas.of(entity).get(type.key());
        return bound == null ? null : new Limit(bound, user, clientId);
    }

    /** An entity of a user and a client id; a null name is the default. */
    private static ClientQuotaEntity entity(String user, String clientId) {
        Map<String, String> components = new HashMap<>(2);
        components.put(ClientQuotaEntity.USER, user);
        components.put(ClientQuotaEntity.CLIENT_ID, clientId);
        return new ClientQuotaEntity(components);
    }

    private static ClientQuotaEntity userOnly(String user) {
        Map<String, String> components = new HashMap<>(1);
        components.put(ClientQuotaEntity.USER, user);
        return new ClientQuotaEntity(components);
    }

    private static ClientQuotaEntity clientOnly(String clientId) {
        Map<String, String> components = new HashMap<>(1);
        components.put(ClientQuotaEntity.CLIENT_ID, clientId);
        return new ClientQuotaEntity(components);
    }
}
