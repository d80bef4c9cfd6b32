package io.ledgerstream.log.config;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * Whether and how the broker checks ACLs. Immutable.
 *
 * @param enabled                   ACLs are enforced: {@code authorizer.enabled=true}, or Kafka's
 *                                  {@code authorizer.class.name} naming its standard authorizer
 * @param superUsers                {@code super.users}: principals allowed everything
 * @param allowEveryoneIfNoAclFound {@code allow.everyone.if.no.acl.found}: a resource without any ACL is open to all
 */
public record AuthorizerConfig(boolean enabled, Set<KafkaPrincipal> superUsers, boolean allowEveryoneIfNoAclFound) {
    public static final String AUTHORIZER_ENABLED = "authorizer.enabled";
    public static final String AUTHORIZER_CLASS_NAME = "authorizer.class.name";
    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";
    /** The authorizer class names taken as "enforce ACLs": Kafka's standard (KRaft) and former ZooKeeper ones. */
    public static final Set<String> KAFKA_AUTHORIZERS = Set.of(
            "org.apache.kafka.metadata.authorizer.StandardAuthorizer", "kafka.security.authorizer.AclAuthorizer");
    public static final AuthorizerConfig DISABLED = new AuthorizerConfig(false, Set.of(), false);

    public AuthorizerConfig {
        superUsers = Set.copyOf(superUsers);
    }

    /**
     * Reads the keys above from {@code values}.
     *
     * @throws InvalidConfigException naming a key whose value is not valid
     */
    public static AuthorizerConfig fromMap(Map<String, String> values) {
        boolean enabled = ConfigValues.booleanValue(values, AUTHORIZER_ENABLED, false);
        String className = values.getOrDefault(AUTHORIZER_CLASS_NAME, "").trim();
        if (!className.isEmpty()) {
            if (!KAFKA_AUTHORIZERS.contains(className)) {
                throw new InvalidConfigException(AUTHORIZER_CLASS_NAME, className, "only Kafka's standard authorizer "
                        + "(org.apache.kafka.metadata.authorizer.StandardAuthorizer) is understood, as "
                        + AUTHORIZER_ENABLED + "=true");
            }
            enabled = true;
        }
        Set<KafkaPrincipal> superUsers = new LinkedHashSet<>();
        for (String entry : values.getOrDefault(SUPER_USERS, "").split(";")) {
            String principal = entry.trim();
            if (principal.isEmpty()) {
                continue;
            }
            try {
                superUsers.add(SecurityUtils.parseKafkaPrincipal(principal));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(SUPER_USERS, principal, "not a principal of the form Type:name");
            }
        }
        return new AuthorizerConfig(enabled, superUsers,
                ConfigValues.booleanValue(values, ALLOW_EVERYONE_IF_NO_ACL_FOUND, false));
    }
}
