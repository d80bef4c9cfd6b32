package io.ledgerstream.log.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a broker listens for Kafka clients and what it tells them to connect to, with the limits it applies to
 * connections. Listeners are named and given as Kafka gives them, {@code NAME://host:port,...}; each has a security
 * protocol in {@code listener.security.protocol.map} (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL), whose settings
 * {@link SecurityConfig} reads.
 *
 * @param listeners               what the broker binds, one server socket each, in the order given
 * @param advertisedListeners     what it tells clients, one per listener in the same order: the listener's entry of
 *                                {@code advertised.listeners}, or the listener itself when it has none
 * @param securityProtocols       {@code listener.security.protocol.map}, names upper-cased
 * @param interBrokerListenerName the listener whose advertised address other brokers use to reach this one
 * @param limits                  how many connections, how fast and how many queued request bytes it takes
 */
public record NetworkConfig(List<Listener> listeners, List<Listener> advertisedListeners,
                            Map<String, String> securityProtocols, String interBrokerListenerName,
                            int socketRequestMaxBytes, long connectionsMaxIdleMs,
                            ConnectionLimits limits) {

    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String DEFAULT_LISTENERS = "PLAINTEXT://127.0.0.1:9092";

    public NetworkConfig {
        listeners = List.copyOf(listeners);
        advertisedListeners = List.copyOf(advertisedListeners);
        securityProtocols = Collections.unmodifiableMap(new LinkedHashMap<>(securityProtocols));
    }

    /**
     * Reads and checks the network settings, as Kafka checks them.
     * <ol>
     *   <li>{@code listeners}: entries {@code NAME://host:port}, names unique, ports unique (but 0).</li>
     *   <li>{@code listener.security.protocol.map}: every listener has a protocol.</li>
     *   <li>{@code advertised.listeners}: names unique and among the listeners, no {@code 0.0.0.0}; a listener it
     *       leaves out is advertised as it listens, which then must not be {@code 0.0.0.0} either.</li>
     *   <li>{@code inter.broker.listener.name} (PLAINTEXT unless set) names one of the listeners.</li>
     * </ol>
     *
     * @throws InvalidConfigException naming the key and what is wrong with it
     */
    public static NetworkConfig fromMap(Map<String, String> values) {
        String listenersValue = ConfigValues.stringValue(values, LISTENERS, DEFAULT_LISTENERS);
        List<Listener> listeners = Listeners.parse(LISTENERS, listenersValue, true);
        String mapValue = ConfigValues.stringValue(values, LISTENER_SECURITY_PROTOCOL_MAP,
                Listeners.DEFAULT_PROTOCOL_MAP);
        Map<String, String> protocols = Listeners.parseProtocolMap(LISTENER_SECURITY_PROTOCOL_MAP, mapValue);
        for (Listener listener : listeners) {
            String protocol = protocols.get(listener.name());
            if (protocol == null) {
                throw new InvalidConfigException(LISTENER_SECURITY_PROTOCOL_MAP, mapValue, "listener "
                        + listener.name() + " of " + LISTENERS + " has no security protocol here; add "
                        + listener.name() + ":" + Listeners.PLAINTEXT);
            }
        }
        List<Listener> advertised = advertised(values, listeners, listenersValue);
        String interBroker = ConfigValues.stringValue(values, INTER_BROKER_LISTENER_NAME, Listeners.PLAINTEXT)
                .toUpperCase(Locale.ROOT);
        if (advertised.stream().noneMatch(l -> l.name().equals(interBroker))) {
            throw new InvalidConfigException(INTER_BROKER_LISTENER_NAME, interBroker, "must be a listener name defined "
                    + "in " + ADVERTISED_LISTENERS + "; the valid options are " + names(advertised)
                    + (values.containsKey(INTER_BROKER_LISTENER_NAME) ? "" : " (unset, it is PLAINTEXT)"));
        }
        return new NetworkConfig(listeners, advertised, protocols, interBroker,
                ConfigValues.intValue(values, SOCKET_REQUEST_MAX_BYTES, 100 * 1024 * 1024, 1024),
                ConfigValues.longValue(values, CONNECTIONS_MAX_IDLE_MS, 600_000, 1),
                ConnectionLimits.fromMap(values, listeners));
    }

    /** The advertised address of every listener, in the listeners' order. */
    private static List<Listener> advertised(Map<String, String> values, List<Listener> listeners,
                                             String listenersValue) {
        Map<String, Listener> given = new HashMap<>();
        String value = ConfigValues.stringValue(values, ADVERTISED_LISTENERS, null);
        if (value != null) {
            for (Listener entry : Listeners.parse(ADVERTISED_LISTENERS, value, false)) {
                if (listeners.stream().noneMatch(l -> l.name().equals(entry.name()))) {
                    throw new InvalidConfigException(ADVERTISED_LISTENERS, value, "listener " + entry.name()
                            + " is not one of " + LISTENERS + " (" + names(listeners) + ")");
                }
                if (entry.host().equals(Listeners.WILDCARD_IPV4)) {
                    throw new InvalidConfigException(ADVERTISED_LISTENERS, value, "listener " + entry.name()
                            + " cannot advertise the non-routable meta-address 0.0.0.0; give an address clients"
                            + " can reach");
                }
                given.put(entry.name(), entry);
            }
        }
        List<Listener> advertised = new ArrayList<>();
        for (Listener listener : listeners) {
            Listener entry = given.get(listener.name());
            if (entry == null && listener.host().equals(Listeners.WILDCARD_IPV4)) {
                // Unset, advertised.listeners is the listeners themselves.
                throw new InvalidConfigException(ADVERTISED_LISTENERS, value == null ? listenersValue : value,
                        "listener " + listener.name() + " listens on 0.0.0.0 and has no entry here, so it would be"
                        + " advertised at that non-routable meta-address; give " + listener.name()
                        + " an address clients can reach");
            }
            advertised.add(entry != null ? entry : listener);
        }
        return advertised;
    }

    private static String names(List<Listener> listeners) {
        return listeners.stream().map(Listener::name).collect(Collectors.joining(","));
    }

    /** The listener of that name, if the broker has one. */
    public Optional<Listener> listener(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** What the broker tells clients of the listener of that name, if it has one. */
    public Optional<Listener> advertised(String name) {
        return advertisedListeners.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /**
     * The host the first listener binds ({@code 0.0.0.0} when it binds every interface): where the broker's other
     * ports, such as its metrics, listen unless told otherwise.
     */
    public String firstHost() {
        Listener first = listeners.get(0);
        return first.bindsEveryInterface() ? Listeners.WILDCARD_IPV4 : first.host();
    }

    /**
     * The same settings with a listener's port as bound (when 0 was asked for, the OS picked one); its advertised
     * port too when that is 0.
     */
    public NetworkConfig withBoundPort(String name, int boundPort) {
        if (listener(name).isEmpty()) {
            throw new IllegalArgumentException("No listener " + name + " among " + names(listeners));
        }
        List<Listener> bound = listeners.stream()
                .map(l -> l.name().equals(name) ? l.withPort(boundPort) : l).toList();
        List<Listener> told = advertisedListeners.stream()
                .map(l -> l.name().equals(name) && l.port() == 0 ? l.withPort(boundPort) : l).toList();
        return new NetworkConfig(bound, told, securityProtocols, interBrokerListenerName, socketRequestMaxBytes,
                connectionsMaxIdleMs, limits);
    }

    /** A listener list as the config writes it. */
    public static String format(List<Listener> listeners) {
        return listeners.stream().map(Listener::toString).collect(Collectors.joining(","));
    }
}
