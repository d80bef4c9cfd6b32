package io.ledgerstream.log.config;

import java.util.Locale;

/**
 * Which TLS implementation a listener runs on ({@code ssl.engine}): BoringSSL through Netty's OpenSSL provider, the
 * JDK's own, or BoringSSL when its native library loads on this platform and the JDK's otherwise.
 */
public enum SslEngine {
    AUTO,
    OPENSSL,
    JDK;

    /** The value as the key takes it. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code auto}, {@code openssl} or {@code jdk}, in any case.
     *
     * @throws IllegalArgumentException naming the values taken
     */
    public static SslEngine parse(String value) {
        for (SslEngine engine : values()) {
            if (engine.value().equalsIgnoreCase(value.trim())) {
                return engine;
            }
        }
        throw new IllegalArgumentException("must be one of auto, openssl, jdk");
    }
}
