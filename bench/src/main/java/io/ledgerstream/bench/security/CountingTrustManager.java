package io.ledgerstream.bench.security;

import com.google.errorprone.annotations.ThreadSafe;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that passes every check to the JDK's (chain and, with an endpoint identification algorithm, host
 * name) and counts the server chains it was given: a TLS handshake that resumes a session sends no certificate, so the
 * count tells how many handshakes were full. A server chain the JDK has accepted for a host is remembered, and the
 * same chain from the same host is accepted again without the JDK's check (its CA signature check in Java was an
 * eighth of the load generator's CPU in a storm): it is a property of the chain, not of the connection, and the
 * connection's own proof that the server holds the key is still checked by the TLS handshake itself. Conscrypt names a TLS 1.3 key exchange {@code GENERIC}, which the JDK's
 * checks do not know: it is passed on as the JDK's own name for it, {@code UNKNOWN}.
 */
@ThreadSafe
final class CountingTrustManager extends X509ExtendedTrustManager {
    private static final String CONSCRYPT_TLS13_AUTH_TYPE = "GENERIC";
    private static final String JDK_TLS13_AUTH_TYPE = "UNKNOWN";

    private final X509ExtendedTrustManager delegate;
    private final AtomicLong serverChecks = new AtomicLong();
    /** Server chains the JDK accepted, with the host they came from; one entry per broker in practice. */
    private final Set<TrustedChain> trusted = ConcurrentHashMap.newKeySet();

    /** A chain of certificates (compared by their encodings) and the host name it was checked against. */
    private record TrustedChain(String host, List<X509Certificate> chain) {
    }

    CountingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /** How many server certificate chains have been checked (successfully or not) so far. */
    long serverChecks() {
        return serverChecks.get();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        serverChecks.incrementAndGet();
        SSLSession handshake = socket instanceof SSLSocket tls ? tls.getHandshakeSession() : null;
        TrustedChain key = new TrustedChain(handshake == null ? null : handshake.getPeerHost(), List.of(chain));
        if (key.host() == null || !trusted.contains(key)) {
            delegate.checkServerTrusted(chain, jdkAuthType(authType), socket);
            if (key.host() != null) {
                trusted.add(key);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        serverChecks.incrementAndGet();
        delegate.checkServerTrusted(chain, jdkAuthType(authType), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        // Only a caller that cannot name its socket gets here, and then no host name could be checked: refuse it.
        throw new CertificateException("A server chain must be checked with its socket or engine (host name check)");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private static String jdkAuthType(String authType) {
        return CONSCRYPT_TLS13_AUTH_TYPE.equals(authType) ? JDK_TLS13_AUTH_TYPE : authType;
    }
}
