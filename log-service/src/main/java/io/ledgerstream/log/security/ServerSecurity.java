package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.ListenerSecurity;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.config.SecurityConfig;
import io.ledgerstream.log.config.SslConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a broker's listeners authenticate their clients: each listener's {@link SecuredListener}, the principal
 * builder, how long a failed authentication waits for its answer, and the largest frame taken before a SASL login.
 * Built once at start-up: key stores are read then, and a bad one stops start-up.
 *
 * <p>Thread-safe: immutable.
 */
@ThreadSafe
public final class ServerSecurity {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSecurity.class);
    private final Map<String, SecuredListener> listeners;
    private final Principals principals;
    private final int failedAuthenticationDelayMs;
    private final int saslServerMaxReceiveSize;

    private ServerSecurity(Map<String, SecuredListener> listeners, Principals principals,
                           int failedAuthenticationDelayMs, int saslServerMaxReceiveSize) {
        this.listeners = Map.copyOf(listeners);
        this.principals = principals;
        this.failedAuthenticationDelayMs = failedAuthenticationDelayMs;
        this.saslServerMaxReceiveSize = saslServerMaxReceiveSize;
    }

    /**
     * Reads every TLS listener's stores and sets up every SASL listener's mechanisms; logs which TLS engine the TLS
     * listeners run on.
     *
     * @param scramCredentials the stored SCRAM credentials; may be null when no listener offers SCRAM
     * @throws io.ledgerstream.log.config.InvalidConfigException naming the key of a store that cannot be used
     */
    public static ServerSecurity create(SecurityConfig config, ScramCredentialCache scramCredentials) {
        Map<String, SecuredListener> listeners = new LinkedHashMap<>();
        for (ListenerSecurity listener : config.listeners().values()) {
            String name = listener.listenerName();
            listeners.put(name, new SecuredListener(name, listener.protocol(),
                    listener.usesTls() ? Optional.of(TlsContexts.server(name, listener.ssl())) : Optional.empty(),
                    listener.usesSasl() ? Optional.of(new SaslMechanisms(listener.sasl(), scramCredentials))
                            : Optional.empty()));
        }
        StringJoiner engines = new StringJoiner(", ");
        listeners.values().forEach(l -> l.tls().ifPresent(tls -> engines.add(l.listenerName() + " on "
                + TlsContexts.engineOf(tls).value())));
        if (engines.length() > 0) {
            LOG.info("TLS listeners: {} ({}: openssl is {})", engines, SslConfig.ENGINE,
                    TlsContexts.openSslDescription());
        }
        return new ServerSecurity(listeners, new Principals(config.sslPrincipalMappingRules()),
                config.failedAuthenticationDelayMs(), config.saslServerMaxReceiveSize());
    }

    /** Every listener of {@code network} as PLAINTEXT, whatever its protocol: for tests of the server alone. */
    public static ServerSecurity plaintext(NetworkConfig network) {
        Map<String, SecuredListener> listeners = new LinkedHashMap<>();
        network.listeners().forEach(l -> listeners.put(l.name(), SecuredListener.plaintext(l.name())));
        return new ServerSecurity(listeners, new Principals("DEFAULT"), 0, 524_288);
    }

    /** The listener of that name. */
    public SecuredListener listener(String name) {
        SecuredListener listener = listeners.get(name);
        if (listener == null) {
            throw new IllegalArgumentException("No security for listener " + name + "; listeners are "
                    + listeners.keySet());
        }
        return listener;
    }

    public Principals principals() {
        return principals;
    }

    /** {@code connection.failed.authentication.delay.ms}. */
    public int failedAuthenticationDelayMs() {
        return failedAuthenticationDelayMs;
    }

    /** {@code sasl.server.max.receive.size}. */
    public int saslServerMaxReceiveSize() {
        return saslServerMaxReceiveSize;
    }
}
