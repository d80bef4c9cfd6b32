package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import java.net.InetAddress;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.PlaintextAuthenticationContext;
import org.apache.kafka.common.security.auth.SaslAuthenticationContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.auth.SslAuthenticationContext;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * The principal of a connection, made by Kafka's own default principal builder: ANONYMOUS on PLAINTEXT, and on TLS
 * without a client certificate; {@code User:<distinguished name>} (RFC 2253, after {@code ssl.principal.mapping.rules})
 * for a client certificate; {@code User:<authorization id>} after SASL.
 *
 * <p>Thread-safe: Kafka's builder and mapper hold no mutable state.
 */
@ThreadSafe
public final class Principals {
    private final DefaultKafkaPrincipalBuilder builder;

    /** @param sslPrincipalMappingRules {@code ssl.principal.mapping.rules}, checked when the configuration is read */
    public Principals(String sslPrincipalMappingRules) {
        this.builder = new DefaultKafkaPrincipalBuilder(null, SslPrincipalMapper.fromRules(sslPrincipalMappingRules));
    }

    public KafkaPrincipal plaintext(InetAddress client, String listenerName) {
        return builder.build(new PlaintextAuthenticationContext(client, listenerName));
    }

    /** From a client certificate when the client gave one, else ANONYMOUS. */
    public KafkaPrincipal tls(SSLSession session, InetAddress client, String listenerName) {
        return builder.build(new SslAuthenticationContext(session, client, listenerName));
    }

    /** After a SASL exchange completed. */
    public KafkaPrincipal sasl(SaslServer server, SecurityProtocol protocol, InetAddress client, String listenerName,
                               Optional<SSLSession> session) {
        return builder.build(new SaslAuthenticationContext(server, protocol, client, listenerName, session));
    }
}
