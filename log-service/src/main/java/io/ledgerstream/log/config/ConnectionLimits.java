package io.ledgerstream.log.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's protection under load, with Kafka's keys and defaults: how many connections it holds (in all, per
 * client address, per listener), how fast it accepts new ones, and how many bytes of received requests it holds
 * before it stops reading.
 *
 * @param maxConnections          {@code max.connections}: connections in all
 * @param maxConnectionsPerIp     {@code max.connections.per.ip}: connections from one address, unless overridden
 * @param perIpOverrides          {@code max.connections.per.ip.overrides}, host names resolved at start-up
 * @param maxCreationRate         {@code max.connection.creation.rate}: connections accepted per second in all
 * @param listeners               by listener name, the listener-prefixed limits given for it
 * @param queuedMaxRequestBytes   {@code queued.max.request.bytes}: bytes of requests held; 0 or less, no limit
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerIp, Map<InetAddress, Integer> perIpOverrides,
                               int maxCreationRate, Map<String, ListenerLimits> listeners,
                               long queuedMaxRequestBytes) {

    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String MAX_CONNECTIONS_PER_IP_OVERRIDES = "max.connections.per.ip.overrides";
    public static final String MAX_CONNECTION_CREATION_RATE = "max.connection.creation.rate";
    public static final String QUEUED_MAX_REQUEST_BYTES = "queued.max.request.bytes";

    /** No limit at all: every default. */
    public static final ConnectionLimits NONE = new ConnectionLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(),
            Integer.MAX_VALUE, Map.of(), -1);

    /**
     * One listener's own limits, from {@code listener.name.<listener>.max.connections} and
     * {@code listener.name.<listener>.max.connection.creation.rate}; they apply besides the broker-wide ones.
     */
    public record ListenerLimits(int maxConnections, int maxCreationRate) {
    }

    public ConnectionLimits {
        perIpOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(perIpOverrides));
        listeners = Map.copyOf(listeners);
    }

    /** Whether the bytes of queued requests are capped. */
    public boolean capsQueuedBytes() {
        return queuedMaxRequestBytes > 0;
    }

    /** The limits of the listener of that name; none beyond the broker-wide ones when it has no prefixed key. */
    public ListenerLimits listener(String name) {
        return listeners.getOrDefault(name, new ListenerLimits(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    /** The most connections {@code address} may hold. */
    public int maxConnections(InetAddress address) {
        return perIpOverrides.getOrDefault(address, maxConnectionsPerIp);
    }

    /**
     * Reads and checks the limits as Kafka does: counts and rates at least 0; {@code max.connections.per.ip} 0 only
     * with overrides; overrides as {@code host:count,...} with hosts that resolve.
     *
     * @throws InvalidConfigException naming the key and what is wrong with it
     */
    static ConnectionLimits fromMap(Map<String, String> values, List<Listener> listeners) {
        int perIp = ConfigValues.intValue(values, MAX_CONNECTIONS_PER_IP, Integer.MAX_VALUE, 0);
        Map<InetAddress, Integer> overrides = overrides(values.get(MAX_CONNECTIONS_PER_IP_OVERRIDES));
        if (perIp == 0 && overrides.isEmpty()) {
            throw new InvalidConfigException(MAX_CONNECTIONS_PER_IP, 0, "may be 0 only with overrides in "
                    + MAX_CONNECTIONS_PER_IP_OVERRIDES);
        }
        Map<String, ListenerLimits> byListener = new LinkedHashMap<>();
        for (Listener listener : listeners) {
            ListenerKeys keys = new ListenerKeys(values, listener.name());
            String maxKey = keys.key(MAX_CONNECTIONS);
            String rateKey = keys.key(MAX_CONNECTION_CREATION_RATE);
            if (!maxKey.equals(MAX_CONNECTIONS) || !rateKey.equals(MAX_CONNECTION_CREATION_RATE)) {
                byListener.put(listener.name(), new ListenerLimits(
                        maxKey.equals(MAX_CONNECTIONS) ? Integer.MAX_VALUE
                                : ConfigValues.intValue(values, maxKey, Integer.MAX_VALUE, 0),
                        rateKey.equals(MAX_CONNECTION_CREATION_RATE) ? Integer.MAX_VALUE
                                : ConfigValues.intValue(values, rateKey, Integer.MAX_VALUE, 0)));
            }
        }
        return new ConnectionLimits(ConfigValues.intValue(values, MAX_CONNECTIONS, Integer.MAX_VALUE, 0), perIp,
                overrides, ConfigValues.intValue(values, MAX_CONNECTION_CREATION_RATE, Integer.MAX_VALUE, 0),
                byListener, ConfigValues.longValue(values, QUEUED_MAX_REQUEST_BYTES, -1, Long.MIN_VALUE));
    }

    /** {@code host:count,host:count}; an empty or absent value is none. */
    private static Map<InetAddress, Integer> overrides(String value) {
        Map<InetAddress, Integer> overrides = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return overrides;
        }
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new InvalidConfigException(MAX_CONNECTIONS_PER_IP_OVERRIDES, value, "entry '" + trimmed
                        + "' is not host:count");
            }
            String host = trimmed.substring(0, colon).trim();
            int count;
            try {
                count = Integer.parseInt(trimmed.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(MAX_CONNECTIONS_PER_IP_OVERRIDES, value, "the count of '" + host
                        + "' is not a whole number");
            }
            if (count < 0) {
                throw new InvalidConfigException(MAX_CONNECTIONS_PER_IP_OVERRIDES, value, "the count of '" + host
                        + "' must be at least 0");
            }
            try {
                overrides.put(InetAddress.getByName(host), count);
            } catch (UnknownHostException e) {
                throw new InvalidConfigException(MAX_CONNECTIONS_PER_IP_OVERRIDES, value, "host '" + host
                        + "' does not resolve");
            }
        }
        return overrides;
    }

    /** The overrides as the key writes them, addresses for host names. */
    public String formatOverrides() {
        StringBuilder out = new StringBuilder();
        perIpOverrides.forEach((address, count) -> out.append(out.isEmpty() ? "" : ",")
                .append(address.getHostAddress()).append(':').append(count));
        return out.toString();
    }
}
