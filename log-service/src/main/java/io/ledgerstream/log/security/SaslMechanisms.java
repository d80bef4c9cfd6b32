package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.SaslConfig;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.plain.internals.PlainServerCallbackHandler;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;
import org.apache.kafka.common.security.scram.internals.ScramServerCallbackHandler;

/**
 * The SASL mechanisms one listener offers, each a kafka-clients SASL server made per connection: PLAIN checks the
 * users of the listener's JAAS entry ({@code user_<name>="<password>"}) with Kafka's PLAIN server; SCRAM-SHA-256 and
 * SCRAM-SHA-512 check the credentials stored in ZooKeeper with Kafka's SCRAM server.
 *
 * <p>Thread-safe: the callback handlers shared by the servers are stateless but for Kafka's concurrent caches; each
 * server belongs to one connection.
 */
@ThreadSafe
public final class SaslMechanisms {
    private final List<String> enabled;
    private final PlainServerCallbackHandler plain;
    private final ScramServerCallbackHandler scram256;
    private final ScramServerCallbackHandler scram512;

    /** @param scramCredentials the stored SCRAM credentials; may be null when no SCRAM mechanism is offered */
    public SaslMechanisms(SaslConfig config, ScramCredentialCache scramCredentials) {
        this.enabled = config.mechanisms();
        SaslConfig.Jaas plainJaas = config.jaas().get(SaslConfig.PLAIN);
        if (plainJaas != null) {
            this.plain = new PlainServerCallbackHandler();
            this.plain.configure(Map.of(), SaslConfig.PLAIN, List.of(plainJaas.entry()));
        } else {
            this.plain = null;
        }
        this.scram256 = scram(SaslConfig.SCRAM_SHA_256, scramCredentials);
        this.scram512 = scram(SaslConfig.SCRAM_SHA_512, scramCredentials);
    }

    private ScramServerCallbackHandler scram(String mechanism, ScramCredentialCache scramCredentials) {
        if (!enabled.contains(mechanism)) {
            return null;
        }
        if (scramCredentials == null) {
            throw new IllegalArgumentException(mechanism + " is offered, and needs the stored SCRAM credentials");
        }
        return new ScramServerCallbackHandler(scramCredentials.credentials(mechanism), scramCredentials.tokens());
    }

    /** The mechanisms offered, in the order configured, as SaslHandshake lists them. */
    public List<String> enabled() {
        return enabled;
    }

    /**
     * A server for one login with {@code mechanism}, which must be one offered.
     *
     * @throws SaslException if the mechanism's server cannot be made
     */
    public SaslServer newServer(String mechanism) throws SaslException {
        if (!enabled.contains(mechanism)) {
            throw new IllegalArgumentException(mechanism + " is not offered here; " + enabled + " are");
        }
        try {
            return switch (mechanism) {
                case SaslConfig.PLAIN -> new PlainSaslServer(plain);
                case SaslConfig.SCRAM_SHA_256 ->
                        new ScramSaslServer(ScramMechanism.SCRAM_SHA_256, Map.of(), scram256);
                case SaslConfig.SCRAM_SHA_512 ->
                        new ScramSaslServer(ScramMechanism.SCRAM_SHA_512, Map.of(), scram512);
                default -> throw new IllegalArgumentException(mechanism + " is not served");
            };
        } catch (NoSuchAlgorithmException e) {
            throw new SaslException("The JDK cannot compute " + mechanism, e);
        }
    }
}
