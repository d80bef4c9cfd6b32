package io.ledgerstream.log.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads listener lists ({@code NAME://host:port,...}) and the listener-to-security-protocol map
 * ({@code NAME:PROTOCOL,...}) as Kafka writes them; a value that cannot be read names its key and the entry at fault.
 */
final class Listeners {
    static final String WILDCARD_IPV4 = "0.0.0.0";
    static final String PLAINTEXT = "PLAINTEXT";
    /** Kafka's security protocols, each the protocol of the listener named after it by default. */
    static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final String DEFAULT_PROTOCOL_MAP = SECURITY_PROTOCOLS.stream().map(p -> p + ":" + p)
            .collect(Collectors.joining(","));

    private static final Pattern NAME = Pattern.compile("[A-Z0-9_-]+");
    private static final Pattern HOST = Pattern.compile("[0-9A-Za-z._%-]*");
    private static final Pattern IPV6_HOST = Pattern.compile("[0-9A-Za-z:.%]+");
    private static final Pattern IPV4_ADDRESS = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private Listeners() {
    }

    /**
     * The listeners of a list, in its order. Names are unique; with {@code distinctPorts} so are ports other than 0,
     * except that one listener on an IPv4 address and one on an IPv6 address may share a port (Kafka's rule for
     * {@code listeners}; {@code advertised.listeners} may repeat ports).
     */
    static List<Listener> parse(String key, String value, boolean distinctPorts) {
        List<Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : value.split(",", -1)) {
            Listener listener = parseOne(key, value, entry.trim());
            if (!names.add(listener.name())) {
                throw new InvalidConfigException(key, value, "listener name " + listener.name()
                        + " is given more than once (names are not case-sensitive)");
            }
            listeners.add(listener);
        }
        if (distinctPorts) {
            checkDistinctPorts(key, value, listeners);
        }
        return List.copyOf(listeners);
    }

    private static Listener parseOne(String key, String value, String entry) {
        if (entry.isEmpty()) {
            throw new InvalidConfigException(key, value, "an entry is empty");
        }
        int separator = entry.indexOf("://");
        if (separator < 0) {
            throw new InvalidConfigException(key, value, "'" + entry + "' does not look like NAME://host:port");
        }
        String name = entry.substring(0, separator).toUpperCase(Locale.ROOT);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigException(key, value, "'" + entry
                    + "': a listener name is made of letters, digits, '_' and '-'");
        }
        String hostPort = entry.substring(separator + 3);
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || !hostPort.startsWith(":", close + 1)) {
                throw new InvalidConfigException(key, value, "'" + entry + "' does not look like NAME://[ipv6]:port");
            }
            host = hostPort.substring(1, close);
            port = hostPort.substring(close + 2);
            if (!IPV6_HOST.matcher(host).matches()) {
                throw new InvalidConfigException(key, value, "'" + entry + "': '[" + host
                        + "]' does not hold an IPv6 address");
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new InvalidConfigException(key, value, "'" + entry + "' does not look like NAME://host:port");
            }
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
            if (!HOST.matcher(host).matches()) {
                throw new InvalidConfigException(key, value, "'" + entry + "': '" + host
                        + "' is not a host name or address (an IPv6 address goes in brackets)");
            }
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, value, "'" + entry + "': the port '" + port + "' is not a number");
        }
        if (number < 0 || number > 65535) {
            throw new InvalidConfigException(key, value, "'" + entry + "': the port must be between 0 and 65535");
        }
        return new Listener(name, host, number);
    }

    private static void checkDistinctPorts(String key, String value, List<Listener> listeners) {
        Map<Integer, List<Listener>> byPort = new TreeMap<>();
        listeners.stream().filter(l -> l.port() != 0)
                .forEach(l -> byPort.computeIfAbsent(l.port(), p -> new ArrayList<>()).add(l));
        for (Map.Entry<Integer, List<Listener>> sharing : byPort.entrySet()) {
            List<Listener> group = sharing.getValue();
            if (group.size() == 1 || group.size() == 2 && ipv4AndIpv6(group.get(0), group.get(1))) {
                continue;
            }
            throw new InvalidConfigException(key, value, "listeners "
                    + group.stream().map(Listener::name).collect(Collectors.joining(", "))
                    + " share port " + sharing.getKey() + "; each listener needs a port of its own (two may share one"
                    + " only when one is on an IPv4 address and the other on an IPv6 address)");
        }
    }

    private static boolean ipv4AndIpv6(Listener a, Listener b) {
        return isIpv4(a.host()) && isIpv6(b.host()) || isIpv6(a.host()) && isIpv4(b.host());
    }

    private static boolean isIpv4(String host) {
        return IPV4_ADDRESS.matcher(host).matches();
    }

    private static boolean isIpv6(String host) {
        return host.indexOf(':') >= 0;
    }

    /** The map of {@code listener.security.protocol.map}, names upper-cased, in the order given. */
    static Map<String, String> parseProtocolMap(String key, String value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String raw : value.split(",", -1)) {
            String entry = raw.trim();
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new InvalidConfigException(key, value, "'" + entry
                        + "' does not look like LISTENER_NAME:SECURITY_PROTOCOL");
            }
            String name = entry.substring(0, colon).trim().toUpperCase(Locale.ROOT);
            String protocol = entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (!SECURITY_PROTOCOLS.contains(protocol)) {
                throw new InvalidConfigException(key, value, "'" + protocol + "' (for listener " + name
                        + ") is not a security protocol; Kafka's are " + String.join(", ", SECURITY_PROTOCOLS));
            }
            if (map.put(name, protocol) != null) {
                throw new InvalidConfigException(key, value, "listener name " + name + " is mapped more than once");
            }
        }
        return Collections.unmodifiableMap(map);
    }
}
