package io.ledgerstream.log.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.SslClientAuth;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS settings of one listener, from Kafka's {@code ssl.*} keys, each overridable per listener with
 * {@code listener.name.<listener>.ssl.*}. The broker serves TLS with its key store and checks client certificates
 * against its trust store; the inter-broker listener's settings also make the broker's own client side (its key store
 * as client certificate, its trust store and endpoint identification to check the other broker). Passwords are
 * {@link Password}s, shown as {@code [hidden]}. Immutable.
 *
 * @param keystoreLocation   the key store file; required to serve TLS, optional for the client side
 * @param keystoreType       JKS or PKCS12 (Kafka's default JKS; Java reads either from a file of the other type)
 * @param keyPassword        the private key's password; the key store's when not given
 * @param truststoreLocation the trust store file; without it, the JDK's default trust anchors
 * @param clientAuth         whether the server asks clients for a certificate (none, requested, required)
 * @param enabledProtocols   TLS versions offered
 * @param cipherSuites       cipher suites offered; empty for the JDK's defaults
 * @param endpointIdentificationAlgorithm {@code https} to check the other broker's name against its certificate when
 *                           this broker connects to it, empty not to
 * @param engine             {@code ssl.engine}: the TLS implementation asked for
 */
public record SslConfig(String keystoreLocation, Password keystorePassword, String keystoreType,
                        Password keyPassword, String truststoreLocation, Password truststorePassword,
                        String truststoreType, SslClientAuth clientAuth, List<String> enabledProtocols,
                        List<String> cipherSuites, String endpointIdentificationAlgorithm, SslEngine engine) {

    public static final String KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String KEY_PASSWORD = "ssl.key.password";
    public static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String CLIENT_AUTH = "ssl.client.auth";
    public static final String ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    public static final String CIPHER_SUITES = "ssl.cipher.suites";
    public static final String ENDPOINT_IDENTIFICATION_ALGORITHM = "ssl.endpoint.identification.algorithm";
    /** Ours, not Kafka's ({@code ssl.provider} names a JCA provider): auto, openssl or jdk. */
    public static final String ENGINE = "ssl.engine";
    public static final String DEFAULT_STORE_TYPE = "JKS";
    public static final String DEFAULT_PROTOCOLS = "TLSv1.2,TLSv1.3";
    /** The key store types read; Kafka's PEM type is not. */
    static final List<String> STORE_TYPES = List.of("JKS", "PKCS12");
    private static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    public SslConfig {
        enabledProtocols = List.copyOf(enabledProtocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /**
     * Reads one listener's TLS settings.
     *
     * @param serving whether the listener serves TLS, which needs a key store
     * @throws InvalidConfigException naming the key (as given, prefixed or not) and what is wrong with it
     */
    static SslConfig read(ListenerKeys keys, String listenerName, boolean serving) {
        String keystore = location(keys, KEYSTORE_LOCATION);
        if (serving && keystore == null) {
            throw new InvalidConfigException(keys.key(KEYSTORE_LOCATION), null, "listener " + listenerName
                    + " serves TLS and needs a key store holding the broker's certificate and private key (set "
                    + KEYSTORE_LOCATION + ", or " + ListenerKeys.PREFIX + listenerName.toLowerCase(Locale.ROOT) + "."
                    + KEYSTORE_LOCATION + " for this listener only)");
        }
        String clientAuthValue = keys.value(CLIENT_AUTH);
        SslClientAuth clientAuth = clientAuthValue == null ? SslClientAuth.NONE
                : SslClientAuth.forConfig(clientAuthValue.trim());
        if (clientAuth == null) {
            throw new InvalidConfigException(keys.key(CLIENT_AUTH), clientAuthValue,
                    "must be one of none, requested, required");
        }
        List<String> protocols = list(keys, ENABLED_PROTOCOLS, DEFAULT_PROTOCOLS);
        if (protocols.isEmpty()) {
            throw new InvalidConfigException(keys.key(ENABLED_PROTOCOLS), keys.value(ENABLED_PROTOCOLS),
                    "at least one TLS version must be enabled");
        }
        for (String protocol : protocols) {
            if (!PROTOCOLS.contains(protocol)) {
                throw new InvalidConfigException(keys.key(ENABLED_PROTOCOLS), keys.value(ENABLED_PROTOCOLS),
                        "'" + protocol + "' is not a TLS version served; choose among " + String.join(", ", PROTOCOLS));
            }
        }
        String endpoint = keys.value(ENDPOINT_IDENTIFICATION_ALGORITHM);
        endpoint = endpoint == null ? "https" : endpoint.trim();
        if (!endpoint.isEmpty() && !endpoint.equalsIgnoreCase("https")) {
            throw new InvalidConfigException(keys.key(ENDPOINT_IDENTIFICATION_ALGORITHM), endpoint,
                    "must be https (check the host name against the certificate) or empty (do not)");
        }
        String engineValue = keys.value(ENGINE);
        SslEngine engine;
        try {
            engine = engineValue == null ? SslEngine.AUTO : SslEngine.parse(engineValue);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(keys.key(ENGINE), engineValue, e.getMessage());
        }
        return new SslConfig(keystore, password(keys, KEYSTORE_PASSWORD), storeType(keys, KEYSTORE_TYPE),
                password(keys, KEY_PASSWORD), location(keys, TRUSTSTORE_LOCATION), password(keys, TRUSTSTORE_PASSWORD),
                storeType(keys, TRUSTSTORE_TYPE), clientAuth, protocols, list(keys, CIPHER_SUITES, ""), endpoint,
                engine);
    }

    private static String location(ListenerKeys keys, String key) {
        String value = keys.value(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Password password(ListenerKeys keys, String key) {
        String value = keys.value(key);
        return value == null || value.isEmpty() ? null : new Password(value);
    }

    private static String storeType(ListenerKeys keys, String key) {
        String value = keys.value(key);
        String type = value == null ? DEFAULT_STORE_TYPE : value.trim().toUpperCase(Locale.ROOT);
        if (!STORE_TYPES.contains(type)) {
            throw new InvalidConfigException(keys.key(key), value, "key and trust stores are read as "
                    + String.join(" or ", STORE_TYPES) + (type.equals("PEM") ? " (PEM is not supported)" : ""));
        }
        return type;
    }

    private static List<String> list(ListenerKeys keys, String key, String defaultValue) {
        String value = keys.value(key);
        return Arrays.stream((value == null ? defaultValue : value).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** Whether the broker checks the other broker's host name against its certificate when it connects to it. */
    public boolean identifiesEndpoints() {
        return !endpointIdentificationAlgorithm.isEmpty();
    }
}
