package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.InterBrokerLogin;
import io.ledgerstream.log.config.ListenerSecurity;
import io.ledgerstream.log.config.SaslConfig;
import io.ledgerstream.log.config.SecurityConfig;
import io.netty.handler.ssl.SslContext;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;

/**
 * How this broker connects to other brokers on the inter-broker listener: TLS with the listener's trust store (and
 * key store as client certificate) when it is SSL or SASL_SSL; a SASL login when it is SASL_PLAINTEXT or SASL_SSL,
 * with the JDK's PLAIN client or kafka-clients' SCRAM client.
 *
 * <p>Thread-safe: immutable; each SASL client it makes belongs to one connection.
 */
@ThreadSafe
public final class ClientSecurity {
    private final SecurityProtocol protocol;
    private final Optional<SslContext> tls;
    private final Optional<InterBrokerLogin> login;

    private ClientSecurity(SecurityProtocol protocol, Optional<SslContext> tls, Optional<InterBrokerLogin> login) {
        this.protocol = protocol;
        this.tls = tls;
        this.login = login;
    }

    /** Connections to the other brokers' {@code listenerName}, secured as this broker's listener of that name. */
    public static ClientSecurity forListener(SecurityConfig config, String listenerName) {
        ListenerSecurity listener = config.listener(listenerName);
        return new ClientSecurity(listener.protocol(),
                listener.usesTls() ? Optional.of(TlsContexts.client(listenerName, listener.ssl())) : Optional.empty(),
                listener.usesSasl() ? config.interBrokerLogin() : Optional.empty());
    }

    /** Plain connections, neither encrypted nor authenticated. */
    public static ClientSecurity plaintext() {
        return new ClientSecurity(SecurityProtocol.PLAINTEXT, Optional.empty(), Optional.empty());
    }

    public SecurityProtocol protocol() {
        return protocol;
    }

    /** The TLS context of connections, when they use TLS. */
    public Optional<SslContext> tls() {
        return tls;
    }

    /** The mechanism logged in with, when connections use SASL. */
    public Optional<String> saslMechanism() {
        return login.map(InterBrokerLogin::mechanism);
    }

    /**
     * A SASL client for one login to the broker at {@code host}.
     *
     * @throws IllegalStateException if connections do not use SASL
     */
    public SaslClient newSaslClient(String host) throws SaslException {
        InterBrokerLogin credentials = login.orElseThrow(() -> new IllegalStateException(
                "Connections on " + protocol + " do not log in with SASL"));
        CallbackHandler handler = callbacks -> answer(callbacks, credentials);
        if (credentials.mechanism().equals(SaslConfig.PLAIN)) {
            SaslClient client = Sasl.createSaslClient(new String[] {SaslConfig.PLAIN}, null, "kafka", host, Map.of(),
                    handler);
            if (client == null) {
                throw new SaslException("The JDK has no PLAIN client");
            }
            return client;
        }
        try {
            return new ScramSaslClient(ScramMechanism.forMechanismName(credentials.mechanism()), handler);
        } catch (NoSuchAlgorithmException e) {
            throw new SaslException("The JDK cannot compute " + credentials.mechanism(), e);
        }
    }

    private static void answer(Callback[] callbacks, InterBrokerLogin credentials)
            throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(credentials.username());
            } else if (callback instanceof PasswordCallback password) {
                password.setPassword(credentials.password().value().toCharArray());
            } else {
                // SCRAM extensions among them: none are sent.
                throw new UnsupportedCallbackException(callback);
            }
        }
    }
}
