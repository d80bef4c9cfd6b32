package io.ledgerstream.log.network;

import io.ledgerstream.log.security.ClientSecurity;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * This broker's SASL login to another broker over a fresh connection, as kafka-clients logs in:
 * <ol>
 *   <li>SaslHandshake v1 with the inter-broker mechanism; an error (UNSUPPORTED_SASL_MECHANISM) fails the login.</li>
 *   <li>SaslAuthenticate v2 with the mechanism's first token, then with each answer to the server's challenge,
 *       until the client's side of the exchange completes; an error (SASL_AUTHENTICATION_FAILED) fails the login
 *       with the server's message.</li>
 * </ol>
 * The connection is then authenticated and carries requests.
 *
 * <p>Not thread-safe: one login runs its steps one after another, each on the connection's event loop.
 */
final class BrokerLogin {
    private static final short HANDSHAKE_VERSION = 1;
    private static final short AUTHENTICATE_VERSION = 2;

    private final SaslClient client;
    private final String mechanism;
    private final String address;
    /** Sends a request at a version on the connection being logged in. */
    private final BiFunction<AbstractRequest.Builder<?>, Short, CompletableFuture<AbstractResponse>> send;

    private BrokerLogin(SaslClient client, String mechanism, String address,
                        BiFunction<AbstractRequest.Builder<?>, Short, CompletableFuture<AbstractResponse>> send) {
        this.client = client;
        this.mechanism = mechanism;
        this.address = address;
        this.send = send;
    }

    /** Logs in on a connection to the broker at {@code host} ({@code address} for messages). */
    static CompletableFuture<Void> run(ClientSecurity security, String host, String address,
                                       BiFunction<AbstractRequest.Builder<?>, Short,
                                               CompletableFuture<AbstractResponse>> send) {
        SaslClient client;
        try {
            client = security.newSaslClient(host);
        } catch (SaslException e) {
            return CompletableFuture.failedFuture(new SaslAuthenticationException("Cannot log in to broker "
                    + address + ": " + e.getMessage(), e));
        }
        BrokerLogin login = new BrokerLogin(client, security.saslMechanism().orElseThrow(), address, send);
        return login.handshake().whenComplete((v, e) -> dispose(client));
    }

    private CompletableFuture<Void> handshake() {
        return send.apply(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism(mechanism)),
                HANDSHAKE_VERSION).thenCompose(r -> {
                    SaslHandshakeResponse response = (SaslHandshakeResponse) r;
                    if (response.error() != Errors.NONE) {
                        throw new UnsupportedSaslMechanismException("Broker " + address + " refused the SASL mechanism "
                                + mechanism + " (" + response.error() + "); it offers " + response.data().mechanisms());
                    }
                    byte[] first;
                    try {
                        first = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
                    } catch (SaslException e) {
                        throw new SaslAuthenticationException("The " + mechanism + " client failed: " + e.getMessage(),
                                e);
                    }
                    return authenticate(first);
                });
    }

    private CompletableFuture<Void> authenticate(byte[] token) {
        return send.apply(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token)),
                AUTHENTICATE_VERSION).thenCompose(r -> {
                    SaslAuthenticateResponse response = (SaslAuthenticateResponse) r;
                    if (response.error() != Errors.NONE) {
                        throw new SaslAuthenticationException("Broker " + address + " refused this broker's "
                                + mechanism + " login: " + response.errorMessage());
                    }
                    if (client.isComplete()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    byte[] next;
                    try {
                        next = client.evaluateChallenge(response.saslAuthBytes());
                    } catch (SaslException e) {
                        throw new SaslAuthenticationException("Broker " + address + " answered the " + mechanism
                                + " login unexpectedly: " + e.getMessage(), e);
                    }
                    if (client.isComplete()) {
                        // The server's last message checked out (SCRAM's server signature): nothing more to send.
                        return CompletableFuture.completedFuture(null);
                    }
                    if (next == null) {
                        throw new IllegalSaslStateException("The " + mechanism + " client has nothing to send to "
                                + "broker " + address + " before its login completed");
                    }
                    return authenticate(next);
                });
    }

    private static void dispose(SaslClient client) {
        try {
            client.dispose();
        } catch (SaslException e) {
            // Nothing is held that a failed disposal keeps.
        }
    }
}
