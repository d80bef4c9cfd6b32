package io.ledgerstream.log.config;

import java.util.Map;

/**
 * Where a broker serves its metrics and health endpoints ({@code /metrics}, {@code /health}, {@code /ready}).
 *
 * @param port {@code metrics.http.port}: the HTTP port; -1 (the default) serves nothing and records no metrics,
 *             0 picks a free port
 * @param host {@code metrics.http.host}: the address to bind; null (the default) for the host the Kafka listener
 *             binds
 */
public record MetricsConfig(int port, String host) {
    public static final String HTTP_PORT = "metrics.http.port";
    public static final String HTTP_HOST = "metrics.http.host";
    /** Off. */
    public static final int OFF = -1;

    public MetricsConfig {
        if (port < OFF || port > 65535) {
            throw new InvalidConfigException(HTTP_PORT, port, "must be -1 (off), 0 (a free port) or a port up to 65535");
        }
    }

    static MetricsConfig fromMap(Map<String, String> values) {
        return new MetricsConfig(ConfigValues.intValue(values, HTTP_PORT, OFF, OFF),
                values.containsKey(HTTP_HOST) ? ConfigValues.stringValue(values, HTTP_HOST, null) : null);
    }

    /** Whether the broker serves metrics at all. */
    public boolean enabled() {
        return port != OFF;
    }

    /** The address to bind: {@code host}, or the Kafka listener's host when none is set. */
    public String hostOr(String listenerHost) {
        return host != null ? host : listenerHost;
    }
}
