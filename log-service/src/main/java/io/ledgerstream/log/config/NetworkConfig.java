package io.ledgerstream.log.config;

import java.util.Map;

/**
 * Where a broker listens for Kafka clients and what it tells them to connect to, with the limits it applies to
 * connections. Listeners are given as Kafka does: {@code PLAINTEXT://host:port}.
 */
public record NetworkConfig(String host, int port, String advertisedHost, int advertisedPort, int socketRequestMaxBytes,
                            long connectionsMaxIdleMs) {

    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";

    public static NetworkConfig fromMap(Map<String, String> values) {
        String listener = ConfigValues.stringValue(values, LISTENERS, "PLAINTEXT://127.0.0.1:9092");
        String advertised = ConfigValues.stringValue(values, ADVERTISED_LISTENERS, listener);
        String[] bind = parse(LISTENERS, listener);
        String[] adv = parse(ADVERTISED_LISTENERS, advertised);
        int port = Integer.parseInt(bind[1]);
        int advertisedPort = Integer.parseInt(adv[1]);
        return new NetworkConfig(bind[0], port, adv[0].isEmpty() ? "127.0.0.1" : adv[0], advertisedPort,
                ConfigValues.intValue(values, SOCKET_REQUEST_MAX_BYTES, 100 * 1024 * 1024, 1024),
                ConfigValues.longValue(values, CONNECTIONS_MAX_IDLE_MS, 600_000, 1));
    }

    private static String[] parse(String key, String listener) {
        String prefix = "PLAINTEXT://";
        if (listener.contains(",")) {
            throw new InvalidConfigException(key, listener, "only one listener is supported");
        }
        if (!listener.startsWith(prefix)) {
            throw new InvalidConfigException(key, listener, "must look like PLAINTEXT://host:port");
        }
        String hostPort = listener.substring(prefix.length());
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidConfigException(key, listener, "must look like PLAINTEXT://host:port");
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new InvalidConfigException(key, listener, "port must be between 0 and 65535");
            }
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, listener, "port is not a number");
        }
        return new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)};
    }

    /** The same settings with the port actually bound (when 0 was asked for, the OS picked one). */
    public NetworkConfig withBoundPort(int boundPort) {
        return new NetworkConfig(host, boundPort, advertisedHost, advertisedPort == 0 ? boundPort : advertisedPort,
                socketRequestMaxBytes, connectionsMaxIdleMs);
    }
}
