package io.ledgerstream.log.network;

import io.ledgerstream.log.security.Principals;
import io.ledgerstream.log.security.SaslMechanisms;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The SASL login of one connection, run as a Kafka broker runs it (its {@code SaslServerAuthenticator}):
 * <ol>
 *   <li>First, ApiVersions (once) and SaslHandshake are taken; any other request closes the connection unanswered.
 *       A mechanism not offered is answered UNSUPPORTED_SASL_MECHANISM with the mechanisms offered, and the login
 *       fails.</li>
 *   <li>After SaslHandshake v1, SaslAuthenticate requests carry the mechanism's tokens, each answered with the
 *       server's; any other request is answered ILLEGAL_SASL_STATE and the login fails. After SaslHandshake v0 the
 *       tokens come as bare frames, as Kafka's oldest clients send them.</li>
 *   <li>A refused token is answered SASL_AUTHENTICATION_FAILED, with the mechanism's own message when it gives one
 *       meant for clients (a wrong password: {@code Authentication failed: Invalid username or password}), else
 *       Kafka's generic one; the login fails.</li>
 *   <li>When the mechanism's exchange completes, the principal is {@code User:<authorization id>}. Sessions are not
 *       re-authenticated (KIP-368): the lifetime sent is 0.</li>
 * </ol>
 * A failed login's answer is sent, and the connection closed, after {@code connection.failed.authentication.delay.ms}
 * ({@link Step.Kind#FAIL}); a request that breaks the protocol in a way Kafka does not answer closes it at once
 * ({@link Step.Kind#CLOSE}).
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class SaslAuthentication {
    private enum State { HANDSHAKE_OR_VERSIONS, HANDSHAKE, AUTHENTICATE, AUTHENTICATE_BARE, COMPLETE, FAILED }

    /** What the connection does with a frame received before the login completed. */
    record Step(Kind kind, AbstractResponse response, byte[] token, String reason) {
        enum Kind {
            /** Serve the request as after login (ApiVersions). */
            SERVE,
            /** Send {@code response}, or the bare {@code token} after SaslHandshake v0. */
            ANSWER,
            /** The login failed: after the delay, send {@code response} or {@code token} if any, then close. */
            FAIL,
            /** Close at once, unanswered. */
            CLOSE
        }

        static Step serve() {
            return new Step(Kind.SERVE, null, null, null);
        }

        static Step answer(AbstractResponse response) {
            return new Step(Kind.ANSWER, response, null, null);
        }

        static Step answer(byte[] token) {
            return new Step(Kind.ANSWER, null, token, null);
        }

        static Step fail(AbstractResponse response, String reason) {
            return new Step(Kind.FAIL, response, null, reason);
        }

        static Step close(String reason) {
            return new Step(Kind.CLOSE, null, null, reason);
        }
    }

    private final SaslMechanisms mechanisms;
    private final Principals principals;
    private final SecurityProtocol protocol;
    private final String listenerName;
    private final InetAddress client;
    private final Supplier<Optional<SSLSession>> tlsSession;
    private final short apiVersionsMaxVersion;
    private State state = State.HANDSHAKE_OR_VERSIONS;
    private String mechanism;
    private SaslServer server;
    private KafkaPrincipal principal;

    /**
     * @param tlsSession            the connection's TLS session on SASL_SSL, for the principal builder
     * @param apiVersionsMaxVersion the newest ApiVersions served, to tell an ApiVersions that is answered with an
     *                              error (the client may then send another) from one that is served
     */
    SaslAuthentication(SaslMechanisms mechanisms, Principals principals, SecurityProtocol protocol,
                       String listenerName, InetAddress client, Supplier<Optional<SSLSession>> tlsSession,
                       short apiVersionsMaxVersion) {
        this.mechanisms = mechanisms;
        this.principals = principals;
        this.protocol = protocol;
        this.listenerName = listenerName;
        this.client = client;
        this.tlsSession = tlsSession;
        this.apiVersionsMaxVersion = apiVersionsMaxVersion;
    }

    boolean complete() {
        return state == State.COMPLETE;
    }

    /** Whether the next frame is a bare token (after SaslHandshake v0) rather than a request. */
    boolean expectsBareToken() {
        return state == State.AUTHENTICATE_BARE;
    }

    /** The client's principal, once the login completed. */
    KafkaPrincipal principal() {
        if (principal == null) {
            throw new IllegalStateException("The SASL login has not completed");
        }
        return principal;
    }

    /** A request received before the login completed, its header parsed and {@code body} positioned after it. */
    Step onRequest(RequestHeader header, ByteBuffer body) {
        ApiKeys api = header.apiKey();
        return switch (state) {
            case HANDSHAKE_OR_VERSIONS, HANDSHAKE -> {
                if (api == ApiKeys.API_VERSIONS) {
                    yield apiVersions(header);
                }
                if (api == ApiKeys.SASL_HANDSHAKE) {
                    yield handshake(header, body);
                }
                yield failed(null, "a " + api + " request before SASL authentication");
            }
            case AUTHENTICATE -> {
                if (api != ApiKeys.SASL_AUTHENTICATE) {
                    AbstractRequest request;
                    try {
                        request = parse(header, body);
                    } catch (RuntimeException e) {
                        yield closed("a malformed " + api + " request during SASL authentication: " + e);
                    }
                    yield failed(request.getErrorResponse(new IllegalSaslStateException("Unexpected Kafka request of "
                            + "type " + api + " during SASL authentication.")), "a " + api + " request during SASL "
                            + "authentication");
                }
                yield authenticate(header, body);
            }
            default -> closed("a " + api + " request in SASL state " + state);
        };
    }

    /** A bare token, after SaslHandshake v0. */
    Step onToken(byte[] token) {
        if (state != State.AUTHENTICATE_BARE) {
            return closed("a SASL token in state " + state);
        }
        try {
            byte[] challenge = server.evaluateResponse(token);
            completeIfDone();
            return Step.answer(challenge == null ? new byte[0] : challenge);
        } catch (AuthenticationException | SaslException e) {
            return failed(null, "failed SASL " + mechanism + " authentication: " + e.getMessage());
        } catch (RuntimeException e) {
            return closed("a SASL " + mechanism + " token that broke the exchange: " + e);
        }
    }

    private Step apiVersions(RequestHeader header) {
        if (state != State.HANDSHAKE_OR_VERSIONS) {
            return closed("a second ApiVersions request during the SASL handshake");
        }
        if (header.apiVersion() >= 0 && header.apiVersion() <= apiVersionsMaxVersion) {
            // Kafka moves on once ApiVersions is answered; one answered UNSUPPORTED_VERSION may be sent again.
            state = State.HANDSHAKE;
        }
        return Step.serve();
    }

    private Step handshake(RequestHeader header, ByteBuffer body) {
        SaslHandshakeRequest request;
        try {
            request = (SaslHandshakeRequest) parse(header, body);
        } catch (RuntimeException e) {
            return closed("a malformed SaslHandshake request: " + e);
        }
        String asked = request.data().mechanism();
        SaslHandshakeResponseData answer = new SaslHandshakeResponseData().setMechanisms(mechanisms.enabled());
        if (!mechanisms.enabled().contains(asked)) {
            return failed(new SaslHandshakeResponse(answer.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code())),
                    "the client asked for the SASL mechanism " + asked + ", which is not offered (" 
                            + String.join(", ", mechanisms.enabled()) + " are)");
        }
        try {
            server = mechanisms.newServer(asked);
        } catch (SaslException e) {
            return closed("no SASL " + asked + " server: " + e.getMessage());
        }
        mechanism = asked;
        state = header.apiVersion() >= 1 ? State.AUTHENTICATE : State.AUTHENTICATE_BARE;
        return Step.answer(new SaslHandshakeResponse(answer.setErrorCode(Errors.NONE.code())));
    }

    private Step authenticate(RequestHeader header, ByteBuffer body) {
        SaslAuthenticateRequest request;
        try {
            request = (SaslAuthenticateRequest) parse(header, body);
        } catch (RuntimeException e) {
            return closed("a malformed SaslAuthenticate request: " + e);
        }
        try {
            byte[] challenge = server.evaluateResponse(request.data().authBytes());
            completeIfDone();
            return Step.answer(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                    .setErrorCode(Errors.NONE.code())
                    .setAuthBytes(challenge == null ? new byte[0] : challenge)
                    .setSessionLifetimeMs(0)));
        } catch (SaslAuthenticationException e) {
            return authenticationFailed(e.getMessage(), e.getMessage());
        } catch (SaslException e) {
            // Kafka's rule: the mechanism's own message may tell an unknown user from a wrong password; the client
            // gets a generic one.
            return authenticationFailed("Authentication failed during authentication due to invalid credentials "
                    + "with SASL mechanism " + mechanism, e.getMessage());
        } catch (AuthenticationException e) {
            return failed(null, "failed SASL " + mechanism + " authentication: " + e.getMessage());
        } catch (RuntimeException e) {
            return closed("a SASL " + mechanism + " token that broke the exchange: " + e);
        }
    }

    private Step authenticationFailed(String toClient, String logged) {
        return failed(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                        .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(toClient)),
                "failed SASL " + mechanism + " authentication: " + logged);
    }

    private void completeIfDone() {
        if (server.isComplete()) {
            principal = principals.sasl(server, protocol, client, listenerName, tlsSession.get());
            state = State.COMPLETE;
            dispose();
        }
    }

    private static AbstractRequest parse(RequestHeader header, ByteBuffer body) {
        return AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(body))
                .request;
    }

    private Step failed(AbstractResponse response, String reason) {
        state = State.FAILED;
        dispose();
        return Step.fail(response, reason);
    }

    private Step closed(String reason) {
        state = State.FAILED;
        dispose();
        return Step.close(reason);
    }

    /** Releases the mechanism's server; the connection calls it when it closes too. */
    void dispose() {
        if (server != null) {
            try {
                server.dispose();
            } catch (SaslException e) {
                // Nothing is held that a failed disposal keeps.
            }
            server = null;
        }
    }
}
