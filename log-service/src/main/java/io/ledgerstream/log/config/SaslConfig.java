package io.ledgerstream.log.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.plain.PlainLoginModule;

/**
 * The SASL settings of one listener: the mechanisms it offers ({@code sasl.enabled.mechanisms}) and, for each, the
 * JAAS login module entry Kafka reads from {@code listener.name.<listener>.<mechanism>.sasl.jaas.config} (or the
 * broker-wide {@code sasl.jaas.config}). PLAIN takes its users from the entry's {@code user_<name>="<password>"}
 * options; SCRAM's users are stored in ZooKeeper, and its entry, optional, only gives the broker's own
 * {@code username} and {@code password} for the inter-broker listener. Immutable.
 *
 * @param mechanisms the mechanisms offered, in the order given
 * @param jaas       by mechanism, the JAAS entry for it, where one is given
 */
public record SaslConfig(List<String> mechanisms, Map<String, Jaas> jaas) {
    public static final String ENABLED_MECHANISMS = "sasl.enabled.mechanisms";
    public static final String JAAS_CONFIG = "sasl.jaas.config";
    public static final String PLAIN = "PLAIN";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";
    /** Kafka's default, Kerberos, which is not served here. */
    public static final String DEFAULT_MECHANISMS = "GSSAPI";
    /** The mechanisms served. */
    public static final List<String> SUPPORTED = List.of(PLAIN, SCRAM_SHA_256, SCRAM_SHA_512);

    /**
     * One mechanism's JAAS login module entry.
     *
     * @param key   the key it was read from, for messages
     * @param entry the login module, control flag and options, as Kafka's JAAS parser reads them
     */
    public record Jaas(String key, AppConfigurationEntry entry) {
        /** An option of the entry ({@code username}, {@code user_alice}, ...), if given. */
        public Optional<String> option(String name) {
            Object value = entry.getOptions().get(name);
            return value == null ? Optional.empty() : Optional.of(value.toString());
        }

        @Override
        public String toString() {
            return "Jaas[key=" + key + ", loginModule=" + entry.getLoginModuleName() + "]";
        }
    }

    public SaslConfig {
        mechanisms = List.copyOf(mechanisms);
        jaas = Collections.unmodifiableMap(new LinkedHashMap<>(jaas));
    }

    /**
     * Reads one SASL listener's settings.
     *
     * @throws InvalidConfigException naming the key: a mechanism not served, a JAAS entry that cannot be read, PLAIN
     *                                without a {@code PlainLoginModule} entry
     */
    static SaslConfig read(ListenerKeys keys, String listenerName) {
        String mechanismsKey = keys.key(ENABLED_MECHANISMS);
        String value = keys.values().getOrDefault(mechanismsKey, DEFAULT_MECHANISMS);
        List<String> mechanisms = new ArrayList<>();
        for (String mechanism : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            if (!SUPPORTED.contains(mechanism)) {
                throw new InvalidConfigException(mechanismsKey, value, "listener " + listenerName + " would offer "
                        + mechanism + ", which is not served; the mechanisms served are " + String.join(", ", SUPPORTED)
                        + (keys.values().containsKey(mechanismsKey) ? "" : " (unset, it is Kafka's default "
                        + DEFAULT_MECHANISMS + ")"));
            }
            if (!mechanisms.contains(mechanism)) {
                mechanisms.add(mechanism);
            }
        }
        if (mechanisms.isEmpty()) {
            throw new InvalidConfigException(mechanismsKey, value, "listener " + listenerName
                    + " uses SASL and must offer at least one mechanism");
        }
        Map<String, Jaas> jaas = new LinkedHashMap<>();
        for (String mechanism : mechanisms) {
            jaas(keys, listenerName, mechanism).ifPresent(entry -> jaas.put(mechanism, entry));
        }
        Jaas plain = jaas.get(PLAIN);
        if (mechanisms.contains(PLAIN) && (plain == null
                || !plain.entry().getLoginModuleName().equals(PlainLoginModule.class.getName()))) {
            String key = plain != null ? plain.key() : ListenerKeys.PREFIX + listenerName.toLowerCase(Locale.ROOT)
                    + ".plain." + JAAS_CONFIG;
            throw new InvalidConfigException(key, plain == null ? null : "[hidden]", "listener " + listenerName
                    + " offers PLAIN, whose users are the user_<name>=\"<password>\" options of a "
                    + PlainLoginModule.class.getName() + " entry given here");
        }
        return new SaslConfig(mechanisms, jaas);
    }

    /**
     * The JAAS entry for a mechanism: {@code [listener.name.<listener>.]<mechanism>.sasl.jaas.config}, else
     * {@code [listener.name.<listener>.]sasl.jaas.config}.
     */
    private static Optional<Jaas> jaas(ListenerKeys keys, String listenerName, String mechanism) {
        String mechanismKey = keys.key(mechanism.toLowerCase(Locale.ROOT) + "." + JAAS_CONFIG);
        String key = keys.values().containsKey(mechanismKey) ? mechanismKey : keys.key(JAAS_CONFIG);
        String text = keys.values().get(key);
        if (text == null) {
            return Optional.empty();
        }
        try {
            JaasContext context = JaasContext.loadServerContext(new ListenerName(listenerName), mechanism,
                    Map.of(mechanism.toLowerCase(Locale.ROOT) + "." + JAAS_CONFIG, new Password(text)));
            return Optional.of(new Jaas(key, context.configurationEntries().get(0)));
        } catch (RuntimeException e) {
            throw new InvalidConfigException(key, "[hidden]", "not a JAAS login module entry ('<LoginModule class> "
                    + "required <option>=\"<value>\" ... ;'): " + e.getMessage());
        }
    }
}
