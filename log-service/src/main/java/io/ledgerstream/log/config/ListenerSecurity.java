package io.ledgerstream.log.config;

import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How one listener secures its connections: its security protocol, its TLS settings when the protocol is SSL or
 * SASL_SSL, its SASL settings when it is SASL_PLAINTEXT or SASL_SSL. Immutable.
 *
 * @param ssl  null unless the listener serves TLS
 * @param sasl null unless the listener authenticates with SASL
 */
public record ListenerSecurity(String listenerName, SecurityProtocol protocol, SslConfig ssl, SaslConfig sasl) {

    /** A PLAINTEXT listener: neither encrypted nor authenticated. */
    public static ListenerSecurity plaintext(String listenerName) {
        return new ListenerSecurity(listenerName, SecurityProtocol.PLAINTEXT, null, null);
    }

    public boolean usesTls() {
        return ssl != null;
    }

    public boolean usesSasl() {
        return sasl != null;
    }
}
