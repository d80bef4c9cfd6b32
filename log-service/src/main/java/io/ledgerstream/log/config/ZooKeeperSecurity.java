package io.ledgerstream.log.config;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * How a broker authenticates its ZooKeeper session and protects the znodes it writes. Immutable.
 *
 * @param setAcl {@code zookeeper.set.acl} (Kafka's key): the znodes under the metadata root are created, and existing
 *               ones set at start-up, with an ACL that gives every right to the brokers' identity and none to anyone
 *               else
 * @param digest {@code zookeeper.auth.digest}: {@code user:password} the session authenticates with, in ZooKeeper's
 *               {@code digest} scheme; empty for an unauthenticated session
 */
public record ZooKeeperSecurity(boolean setAcl, Optional<Password> digest) {
    public static final String SET_ACL = "zookeeper.set.acl";
    public static final String AUTH_DIGEST = "zookeeper.auth.digest";
    public static final ZooKeeperSecurity NONE = new ZooKeeperSecurity(false, Optional.empty());

    /**
     * Reads the keys above from {@code values}.
     *
     * @throws InvalidConfigException when {@code zookeeper.auth.digest} is not {@code user:password} with a user, or
     *                                ACLs are asked for without an identity to give them to
     */
    public static ZooKeeperSecurity fromMap(Map<String, String> values) {
        boolean setAcl = ConfigValues.booleanValue(values, SET_ACL, false);
        String digest = values.get(AUTH_DIGEST);
        if (digest != null) {
            int colon = digest.indexOf(':');
            if (colon <= 0 || colon == digest.length() - 1) {
                throw new InvalidConfigException(AUTH_DIGEST, "[hidden]", "must be user:password, with a user name "
                        + "(no ':' in it) and a password");
            }
        } else if (setAcl) {
            throw new InvalidConfigException(SET_ACL, true, "the ACLs give the znodes to the identity the brokers "
                    + "authenticate with, so " + AUTH_DIGEST + "=user:password must be set too");
        }
        return new ZooKeeperSecurity(setAcl, Optional.ofNullable(digest).map(Password::new));
    }

    /** The user name the session authenticates as, when it does. */
    public Optional<String> user() {
        return digest.map(d -> d.value().substring(0, d.value().indexOf(':')));
    }
}
