package io.ledgerstream.log.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How a broker secures its listeners and its own connections to other brokers, from Kafka's keys: each listener's
 * {@link ListenerSecurity} (TLS and SASL settings, broker-wide or per listener), the delay before a failed
 * authentication is answered, the bound on frames received before authentication, the rules that turn a client
 * certificate's name into a principal, and the inter-broker login. Immutable.
 *
 * @param listeners                     by listener name, in the listeners' order
 * @param failedAuthenticationDelayMs   {@code connection.failed.authentication.delay.ms}: how long the answer to a
 *                                      failed authentication waits, so that guessing is slow
 * @param saslServerMaxReceiveSize      {@code sasl.server.max.receive.size}: the largest frame accepted before SASL
 *                                      authentication completes
 * @param sslPrincipalMappingRules      {@code ssl.principal.mapping.rules}: Kafka's rules from a certificate's
 *                                      distinguished name to a user name
 * @param interBrokerMechanism          {@code sasl.mechanism.inter.broker.protocol}, as given or defaulted
 * @param interBrokerLogin              present when the inter-broker listener uses SASL
 */
public record SecurityConfig(Map<String, ListenerSecurity> listeners, int failedAuthenticationDelayMs,
                             int saslServerMaxReceiveSize, String sslPrincipalMappingRules,
                             String interBrokerMechanism, Optional<InterBrokerLogin> interBrokerLogin) {

    public static final String FAILED_AUTHENTICATION_DELAY_MS = "connection.failed.authentication.delay.ms";
    public static final String SASL_SERVER_MAX_RECEIVE_SIZE = "sasl.server.max.receive.size";
    public static final String SSL_PRINCIPAL_MAPPING_RULES = "ssl.principal.mapping.rules";
    public static final String SASL_MECHANISM_INTER_BROKER_PROTOCOL = "sasl.mechanism.inter.broker.protocol";
    public static final String CONNECTIONS_MAX_REAUTH_MS = "connections.max.reauth.ms";

    public SecurityConfig {
        listeners = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(listeners));
    }

    /**
     * Reads the security of every listener of {@code network}.
     * <ol>
     *   <li>An SSL or SASL_SSL listener needs a key store; TLS settings are checked (store types, client
     *       authentication, TLS versions, endpoint identification). On SASL_SSL, as in Kafka,
     *       {@code ssl.client.auth} counts only when given for the listener.</li>
     *   <li>A SASL listener offers mechanisms among PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; PLAIN needs its JAAS
     *       entry.</li>
     *   <li>When the inter-broker listener uses SASL, {@code sasl.mechanism.inter.broker.protocol} must be one it
     *       offers, and its JAAS entry for that mechanism must give {@code username} and {@code password}.</li>
     *   <li>{@code connections.max.reauth.ms} other than 0 is refused: re-authentication (KIP-368) is not served.</li>
     * </ol>
     *
     * @throws InvalidConfigException naming the key and what is wrong with it
     */
    public static SecurityConfig fromMap(Map<String, String> values, NetworkConfig network) {
        Map<String, ListenerSecurity> listeners = new LinkedHashMap<>();
        for (Listener listener : network.listeners()) {
            String name = listener.name();
            SecurityProtocol protocol = SecurityProtocol.forName(network.securityProtocols().get(name));
            ListenerKeys keys = new ListenerKeys(values, name);
            boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
            boolean sasl = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
            SslConfig ssl = null;
            if (tls) {
                ListenerKeys tlsKeys = keys;
                if (protocol == SecurityProtocol.SASL_SSL && keys.key(SslConfig.CLIENT_AUTH)
                        .equals(SslConfig.CLIENT_AUTH)) {
                    // KIP-684: a SASL_SSL listener asks for client certificates only when told so for itself.
                    Map<String, String> withoutClientAuth = new java.util.HashMap<>(values);
                    withoutClientAuth.remove(SslConfig.CLIENT_AUTH);
                    tlsKeys = new ListenerKeys(withoutClientAuth, name);
                }
                ssl = SslConfig.read(tlsKeys, name, true);
            }
            listeners.put(name, new ListenerSecurity(name, protocol, ssl, sasl ? SaslConfig.read(keys, name) : null));
        }
        long reauth = ConfigValues.longValue(values, CONNECTIONS_MAX_REAUTH_MS, 0, 0);
        if (reauth != 0) {
            throw new InvalidConfigException(CONNECTIONS_MAX_REAUTH_MS, reauth, "re-authentication (KIP-368) is not "
                    + "served: sessions last as long as their connection; leave it 0");
        }
        String interBrokerMechanism = ConfigValues.stringValue(values, SASL_MECHANISM_INTER_BROKER_PROTOCOL,
                SaslConfig.DEFAULT_MECHANISMS);
        ListenerSecurity interBroker = listeners.get(network.interBrokerListenerName());
        return new SecurityConfig(listeners,
                ConfigValues.intValue(values, FAILED_AUTHENTICATION_DELAY_MS, 100, 0),
                ConfigValues.intValue(values, SASL_SERVER_MAX_RECEIVE_SIZE, 524_288, 1),
                ConfigValues.stringValue(values, SSL_PRINCIPAL_MAPPING_RULES, "DEFAULT"),
                interBrokerMechanism,
                interBroker != null && interBroker.usesSasl()
                        ? Optional.of(interBrokerLogin(values, interBroker, interBrokerMechanism))
                        : Optional.empty());
    }

    private static InterBrokerLogin interBrokerLogin(Map<String, String> values, ListenerSecurity listener,
                                                     String mechanism) {
        String name = listener.listenerName();
        if (!listener.sasl().mechanisms().contains(mechanism)) {
            throw new InvalidConfigException(SASL_MECHANISM_INTER_BROKER_PROTOCOL, mechanism, "brokers log in to "
                    + "each other on " + name + " (" + NetworkConfig.INTER_BROKER_LISTENER_NAME + ") with this "
                    + "mechanism, which that listener does not offer; it offers "
                    + String.join(", ", listener.sasl().mechanisms())
                    + (values.containsKey(SASL_MECHANISM_INTER_BROKER_PROTOCOL) ? "" : " (unset, it is Kafka's default "
                    + SaslConfig.DEFAULT_MECHANISMS + ")"));
        }
        SaslConfig.Jaas jaas = listener.sasl().jaas().get(mechanism);
        String key = jaas != null ? jaas.key() : ListenerKeys.PREFIX + name.toLowerCase(Locale.ROOT) + "."
                + mechanism.toLowerCase(Locale.ROOT) + "." + SaslConfig.JAAS_CONFIG;
        Optional<String> username = jaas == null ? Optional.empty() : jaas.option("username");
        Optional<String> password = jaas == null ? Optional.empty() : jaas.option("password");
        if (username.isEmpty() || password.isEmpty()) {
            throw new InvalidConfigException(key, jaas == null ? null : "[hidden]", "brokers log in to each other on "
                    + name + " with " + mechanism + " as the username and password options of this JAAS entry, "
                    + "which gives " + (username.isEmpty() ? "no username" : "no password"));
        }
        return new InterBrokerLogin(mechanism, username.get(),
                new org.apache.kafka.common.config.types.Password(password.get()));
    }

    /** The security of the listener of that name. */
    public ListenerSecurity listener(String name) {
        ListenerSecurity security = listeners.get(name);
        if (security == null) {
            throw new IllegalArgumentException("No listener " + name + " among " + listeners.keySet());
        }
        return security;
    }
}
