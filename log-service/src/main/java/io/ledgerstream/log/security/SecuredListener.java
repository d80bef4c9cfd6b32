package io.ledgerstream.log.security;

import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * What one listener's connections go through before their requests are served: TLS with this context when the
 * protocol is SSL or SASL_SSL, SASL with these mechanisms when it is SASL_PLAINTEXT or SASL_SSL. Immutable.
 */
public record SecuredListener(String listenerName, SecurityProtocol protocol, Optional<SslContext> tls,
                              Optional<SaslMechanisms> sasl) {

    /** A PLAINTEXT listener. */
    public static SecuredListener plaintext(String listenerName) {
        return new SecuredListener(listenerName, SecurityProtocol.PLAINTEXT, Optional.empty(), Optional.empty());
    }
}
