package io.ledgerstream.bench.security;

import com.google.errorprone.annotations.ThreadSafe;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that passes every check to the JDK's (chain and, with an endpoint identification algorithm, host
 * name) and counts the server chains it checked: a TLS handshake that resumes a session sends no certificate, so the
 * count tells how many handshakes were full. Conscrypt names a TLS 1.3 key exchange {@code GENERIC}, which the JDK's
 * checks do not know: it is passed on as the JDK's own name for it, {@code UNKNOWN}.
 */
@ThreadSafe
final class CountingTrustManager extends X509ExtendedTrustManager {
    private static final String CONSCRYPT_TLS13_AUTH_TYPE = "GENERIC";
    private static final String JDK_TLS13_AUTH_TYPE = "UNKNOWN";

    private final X509ExtendedTrustManager delegate;
    private final AtomicLong serverChecks = new AtomicLong();

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
        delegate.checkServerTrusted(chain, jdkAuthType(authType), socket);
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
