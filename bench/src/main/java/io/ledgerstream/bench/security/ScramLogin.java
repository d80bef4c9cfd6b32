package io.ledgerstream.bench.security;

import com.google.errorprone.annotations.ThreadSafe;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages;

/**
 * One client's SCRAM-SHA-512 login over SASL_SSL, as kafka-clients makes it, on a fresh connection: TCP connect, a
 * TLS handshake, ApiVersions (v3),
 * SaslHandshake (v1) and two SaslAuthenticate (v2) exchanges, the server's signature checked, then the connection
 * closed. The SCRAM messages are kafka-clients' own ({@link ScramMessages}, {@link ScramFormatter}). Unlike a real
 * client, the salted password (PBKDF2 over the password, thousands of HMACs) is computed once per salt and iteration
 * count and then reused, so that a storm measures the broker's cost of a login rather than the load generator's.
 */
@ThreadSafe
final class ScramLogin {
    /** Whether a login's TLS handshake may resume an earlier connection's session. */
    enum Handshake {
        /** A full handshake every time (the client forgets each session): a client that has just started. */
        FULL,
        /**
         * The session of an earlier connection resumed when the broker allows it (TLS 1.3 session tickets): a
         * client reconnecting, as kafka-clients' JDK TLS does with its context's session cache.
         */
        RESUMED
    }

    private static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;
    private static final short API_VERSIONS_VERSION = 3;
    private static final short HANDSHAKE_VERSION = 1;
    private static final short AUTHENTICATE_VERSION = 2;
    private static final int READ_TIMEOUT_MS = 30_000;

    private final InetSocketAddress broker;
    private final String user;
    private final String password;
    private final SSLContext tls;
    private final Handshake handshake;
    /** Salted passwords by salt and iteration count; a few entries at most (one per user credential). */
    private final Map<String, byte[]> saltedPasswords = new ConcurrentHashMap<>();

    ScramLogin(InetSocketAddress broker, String user, String password, Path trustStore, String trustStorePassword,
               Handshake handshake) throws IOException, GeneralSecurityException {
        this.broker = broker;
        this.handshake = handshake;
        this.user = user;
        this.password = password;
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, trustStorePassword.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        this.tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
    }

    /** The time one login took, split where the TLS handshake ended. */
    record Timing(long tlsNanos, long totalNanos) {
    }

    /** Logs in once on a new connection and closes it; throws when any step fails or the broker refuses the login. */
    Timing login() throws IOException, GeneralSecurityException {
        long start = System.nanoTime();
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.connect(broker, READ_TIMEOUT_MS);
            socket.startHandshake();
            long tlsDone = System.nanoTime();
            try {
                authenticate(socket);
            } finally {
                if (handshake == Handshake.FULL) {
                    socket.getSession().invalidate();
                }
            }
            return new Timing(tlsDone - start, System.nanoTime() - start);
        }
    }

    private void authenticate(SSLSocket socket) throws IOException, GeneralSecurityException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        ApiVersionsResponseData versions = new ApiVersionsResponseData(new ByteBufferAccessor(
                exchange(out, in, new ApiVersionsRequest.Builder().build(API_VERSIONS_VERSION), 1)),
                API_VERSIONS_VERSION);
        check(Errors.forCode(versions.errorCode()), "ApiVersions");
        SaslHandshakeResponseData handshake = new SaslHandshakeResponseData(new ByteBufferAccessor(exchange(out, in,
                new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData()
                        .setMechanism(MECHANISM.mechanismName())).build(HANDSHAKE_VERSION), 2)), HANDSHAKE_VERSION);
        check(Errors.forCode(handshake.errorCode()), "SaslHandshake");

        ScramFormatter formatter = new ScramFormatter(MECHANISM);
        ScramMessages.ClientFirstMessage clientFirst = new ScramMessages.ClientFirstMessage(
                ScramFormatter.saslName(user), formatter.secureRandomString(), Map.of());
        ScramMessages.ServerFirstMessage serverFirst = new ScramMessages.ServerFirstMessage(
                authenticate(out, in, clientFirst.toBytes(), 3));
        if (!serverFirst.nonce().startsWith(clientFirst.nonce())) {
            throw new IOException("The server's nonce does not start with the client's");
        }
        byte[] salted = saltedPasswords.computeIfAbsent(
                Base64.getEncoder().encodeToString(serverFirst.salt()) + ":" + serverFirst.iterations(),
                key -> salt(formatter, serverFirst));
        ScramMessages.ClientFinalMessage clientFinal = new ScramMessages.ClientFinalMessage(
                ScramFormatter.toBytes(clientFirst.gs2Header()), serverFirst.nonce());
        clientFinal.proof(formatter.clientProof(salted, clientFirst, serverFirst, clientFinal));
        ScramMessages.ServerFinalMessage serverFinal = new ScramMessages.ServerFinalMessage(
                authenticate(out, in, clientFinal.toBytes(), 4));
        if (serverFinal.error() != null) {
            throw new IOException("SCRAM login refused: " + serverFinal.error());
        }
        byte[] expected = formatter.serverSignature(formatter.serverKey(salted), clientFirst, serverFirst,
                clientFinal);
        if (!MessageDigest.isEqual(expected, serverFinal.serverSignature())) {
            throw new IOException("The server's SCRAM signature does not match");
        }
    }

    private byte[] salt(ScramFormatter formatter, ScramMessages.ServerFirstMessage serverFirst) {
        try {
            return formatter.saltedPassword(password, serverFirst.salt(), serverFirst.iterations());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot salt the password with " + MECHANISM, e);
        }
    }

    private static byte[] authenticate(DataOutputStream out, DataInputStream in, byte[] token, int correlationId)
            throws IOException {
        SaslAuthenticateResponseData response = new SaslAuthenticateResponseData(new ByteBufferAccessor(exchange(
                out, in, new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token))
                        .build(AUTHENTICATE_VERSION), correlationId)), AUTHENTICATE_VERSION);
        check(Errors.forCode(response.errorCode()), "SaslAuthenticate: " + response.errorMessage());
        return response.authBytes();
    }

    private static void check(Errors error, String what) throws IOException {
        if (error != Errors.NONE) {
            throw new IOException(what + " answered " + error);
        }
    }

    /** Sends {@code request} as one frame and returns its response's body, after the response header. */
    private static ByteBuffer exchange(DataOutputStream out, DataInputStream in, AbstractRequest request,
                                       int correlationId) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "login-storm", correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        ByteBuffer body = ByteBuffer.wrap(response);
        int answered = ResponseHeader.parse(body, request.apiKey().responseHeaderVersion(request.version()))
                .correlationId();
        if (answered != correlationId) {
            throw new IOException("Response to correlation id " + answered + ", expected " + correlationId);
        }
        return body;
    }
}
