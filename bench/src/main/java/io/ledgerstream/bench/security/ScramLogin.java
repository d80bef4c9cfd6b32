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
import java.security.Provider;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
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
import org.conscrypt.Conscrypt;

/**
 * One client's SCRAM-SHA-512 login over SASL_SSL, as kafka-clients makes it, on a fresh connection: TCP connect, a
 * TLS handshake, ApiVersions (v3),
 * SaslHandshake (v1) and two SaslAuthenticate (v2) exchanges, the server's signature checked, then the connection
 * closed. The SCRAM messages are kafka-clients' own ({@link ScramMessages}, {@link ScramFormatter}). Unlike a real
 * client, the salted password (PBKDF2 over the password, thousands of HMACs) is computed once per salt and iteration
 * count and then reused, so that a storm measures the broker's cost of a login rather than the load generator's; for
 * the same reason the TLS is BoringSSL's (Conscrypt) unless the JDK's is asked for, and a server chain once checked
 * for the broker's host is not checked again ({@link CountingTrustManager}). Either way the server's chain and host
 * name are checked by the JDK's trust manager, which counts the chains it was given ({@link #certificateChecks()}).
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

    /** Whose TLS implementation the client uses. */
    enum ClientTls {
        /** BoringSSL through Conscrypt's JSSE provider: a handshake costs the load generator little CPU. */
        CONSCRYPT,
        /** The JDK's own (SunJSSE), as kafka-clients uses by default. */
        JDK
    }

    /** The JDK's TLS provider: its trust manager checks the server's chain and host name whichever TLS runs. */
    private static final String JDK_TLS_PROVIDER = "SunJSSE";
    private static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;
    private static final short API_VERSIONS_VERSION = 3;
    private static final short HANDSHAKE_VERSION = 1;
    private static final short AUTHENTICATE_VERSION = 2;
    private static final int READ_TIMEOUT_MS = 30_000;

    private final InetSocketAddress broker;
    private final String user;
    private final String password;
    /** The context of every login; with FULL handshakes, only the first's (see {@link #context()}). */
    private final SSLContext tls;
    /**
     * Conscrypt's provider, made once; null with the JDK's TLS. It serves the TLS only (installed first among the
     * JVM's providers, so that the JDK's certificate checks and the HMACs ran on it too, it was no cheaper in a trial).
     */
    private final Provider conscrypt;
    private final Handshake handshake;
    private final CountingTrustManager trustManager;
    /** Salted passwords by salt and iteration count; a few entries at most (one per user credential). */
    private final Map<String, byte[]> saltedPasswords = new ConcurrentHashMap<>();

    ScramLogin(InetSocketAddress broker, String user, String password, Path trustStore, String trustStorePassword,
               Handshake handshake, ClientTls clientTls) throws IOException, GeneralSecurityException {
        this.broker = broker;
        this.handshake = handshake;
        this.user = user;
        this.password = password;
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, trustStorePassword.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX", JDK_TLS_PROVIDER);
        trust.init(trusted);
        this.trustManager = new CountingTrustManager(extended(trust.getTrustManagers()));
        this.conscrypt = clientTls == ClientTls.CONSCRYPT ? Conscrypt.newProvider() : null;
        this.tls = newContext();
    }

    private SSLContext newContext() throws GeneralSecurityException {
        SSLContext context = conscrypt != null ? SSLContext.getInstance("TLS", conscrypt)
                : SSLContext.getInstance("TLS", JDK_TLS_PROVIDER);
        context.init(null, new TrustManager[] {trustManager}, null);
        return context;
    }

    /**
     * The context for the next login. For FULL handshakes, a new one each time: both Conscrypt and the JDK cache the
     * TLS 1.3 session tickets that arrive after a handshake in the context, and another login may resume with one
     * before (or whatever) the session is invalidated (with the JDK's TLS, 1 login in 5 did in a storm).
     */
    private SSLContext context() throws GeneralSecurityException {
        return handshake == Handshake.FULL ? newContext() : tls;
    }

    private static X509ExtendedTrustManager extended(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager manager : managers) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("The JDK's trust manager factory made no X509ExtendedTrustManager");
    }

    /** How many server certificate chains the client has checked: one per full TLS handshake, none on a resumed one. */
    long certificateChecks() {
        return trustManager.serverChecks();
    }

    /** The time one login took, split where the TLS handshake ended. */
    record Timing(long tlsNanos, long totalNanos) {
    }

    /** Logs in once on a new connection and closes it; throws when any step fails or the broker refuses the login. */
    Timing login() throws IOException, GeneralSecurityException {
        long start = System.nanoTime();
        try (SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket()) {
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
