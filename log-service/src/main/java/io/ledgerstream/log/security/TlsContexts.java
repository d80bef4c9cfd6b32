package io.ledgerstream.log.security;

import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.SslConfig;
import io.ledgerstream.log.config.SslEngine;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.types.Password;

/**
 * Netty TLS contexts from a listener's {@link SslConfig}: the server side of a listener and the client side of the
 * broker's own connections to other brokers, on BoringSSL (Netty's OpenSSL provider) or the JDK's TLS as
 * {@code ssl.engine} says. Key and trust stores are read once into the JDK's key and trust manager factories, which
 * either engine uses; a store that cannot be read, a key store without a private key, a cipher suite the engine does
 * not know, or {@code ssl.engine=openssl} where BoringSSL does not load fails start-up naming its key.
 */
public final class TlsContexts {
    /** BoringSSL's TLS 1.3 suites, which it offers whatever suites it is given. */
    private static final Set<String> BORINGSSL_TLS13_SUITES = Set.of("TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {
    }

    /** The server side of a TLS listener: its certificate, and client certificates asked for as configured. */
    public static SslContext server(String listenerName, SslConfig ssl) {
        SslProvider provider = provider(listenerName, ssl);
        KeyManagerFactory keys = keyManagers(listenerName, ssl);
        try {
            // BoringSSL is handed the key and chain on every handshake; without the cache they are encoded to PEM
            // and parsed back each time (an eighth of a login's CPU in a reconnect storm).
            return SslContextBuilder.forServer(provider == SslProvider.OPENSSL
                            ? new OpenSslCachingX509KeyManagerFactory(keys) : keys)
                    .trustManager(trustManagers(listenerName, ssl))
                    .clientAuth(switch (ssl.clientAuth()) {
                        case REQUIRED -> ClientAuth.REQUIRE;
                        case REQUESTED -> ClientAuth.OPTIONAL;
                        case NONE -> ClientAuth.NONE;
                    })
                    .protocols(ssl.enabledProtocols())
                    .ciphers(ciphers(listenerName, ssl, provider))
                    .sslProvider(provider)
                    .build();
        } catch (SSLException e) {
            throw new InvalidConfigException(SslConfig.KEYSTORE_LOCATION, ssl.keystoreLocation(), "listener "
                    + listenerName + ": no TLS context can be made of these settings: " + e.getMessage());
        }
    }

    /**
     * The client side of connections to other brokers' TLS listener: the key store, if any, gives this broker's
     * client certificate; the trust store checks theirs, and their host name is checked against it unless endpoint
     * identification is off.
     */
    public static SslContext client(String listenerName, SslConfig ssl) {
        try {
            SslProvider provider = provider(listenerName, ssl);
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .trustManager(trustManagers(listenerName, ssl))
                    .protocols(ssl.enabledProtocols())
                    .ciphers(ciphers(listenerName, ssl, provider))
                    .sslProvider(provider);
            if (ssl.keystoreLocation() != null) {
                builder.keyManager(keyManagers(listenerName, ssl));
            }
            if (ssl.identifiesEndpoints()) {
                builder.endpointIdentificationAlgorithm("HTTPS");
            }
            return builder.build();
        } catch (SSLException e) {
            throw new InvalidConfigException(SslConfig.TRUSTSTORE_LOCATION, ssl.truststoreLocation(), "listener "
                    + listenerName + ": no client TLS context can be made of these settings: " + e.getMessage());
        }
    }

    /** The engine a context runs on: {@link SslEngine#OPENSSL} or {@link SslEngine#JDK}. */
    public static SslEngine engineOf(SslContext context) {
        return context instanceof ReferenceCountedOpenSslContext ? SslEngine.OPENSSL : SslEngine.JDK;
    }

    /** What runs under {@link SslEngine#OPENSSL} here, e.g. {@code BoringSSL}; why it cannot, when it cannot. */
    public static String openSslDescription() {
        return OpenSsl.isAvailable() ? OpenSsl.versionString()
                : "OpenSSL unavailable: " + OpenSsl.unavailabilityCause();
    }

    /**
     * The provider {@code ssl.engine} asks for: OpenSSL when asked or, with {@code auto}, when BoringSSL loads here and
     * can offer just the cipher suites listed.
     *
     * @throws InvalidConfigException if OpenSSL is asked for and BoringSSL does not load here or cannot offer just the
     *                                suites listed
     */
    private static SslProvider provider(String listenerName, SslConfig ssl) {
        return switch (ssl.engine()) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() && offersJustTheSuitesListed(ssl) ? SslProvider.OPENSSL
                    : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new InvalidConfigException(SslConfig.ENGINE, ssl.engine().value(), "listener "
                            + listenerName + ": BoringSSL's native library does not load on this platform (it is "
                            + "shipped for Linux x86_64): " + OpenSsl.unavailabilityCause() + "; set auto or jdk");
                }
                if (!offersJustTheSuitesListed(ssl)) {
                    throw new InvalidConfigException(SslConfig.CIPHER_SUITES, String.join(",", ssl.cipherSuites()),
                            "listener " + listenerName + ": with TLSv1.3 enabled, BoringSSL (" + SslConfig.ENGINE
                            + "=openssl) offers all of " + String.join(", ", new TreeSet<>(BORINGSSL_TLS13_SUITES))
                            + " whatever is listed; list all three, leave TLSv1.3 out of " + SslConfig.ENABLED_PROTOCOLS
                            + ", or set " + SslConfig.ENGINE + "=jdk");
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    /**
     * Whether BoringSSL offers just the suites listed: it cannot be told which TLS 1.3 suites to offer and offers all
     * of them, so with TLS 1.3 enabled a list must name them all (the JDK offers only those listed, and no TLS 1.3 when
     * none are).
     */
    private static boolean offersJustTheSuitesListed(SslConfig ssl) {
        if (ssl.cipherSuites().isEmpty() || !ssl.enabledProtocols().contains("TLSv1.3")) {
            return true;
        }
        return ssl.cipherSuites().containsAll(BORINGSSL_TLS13_SUITES);
    }

    private static KeyManagerFactory keyManagers(String listenerName, SslConfig ssl) {
        KeyStore store = load(listenerName, SslConfig.KEYSTORE_LOCATION, ssl.keystoreLocation(), ssl.keystoreType(),
                ssl.keystorePassword());
        Password keyPassword = ssl.keyPassword() != null ? ssl.keyPassword() : ssl.keystorePassword();
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new InvalidConfigException(SslConfig.KEYSTORE_LOCATION, ssl.keystoreLocation(), "listener "
                        + listenerName + ": the key store holds no private key");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, keyPassword == null ? null : keyPassword.value().toCharArray());
            return factory;
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigException(SslConfig.KEY_PASSWORD, "[hidden]", "listener " + listenerName
                    + ": the private key in " + ssl.keystoreLocation() + " cannot be read with this password (or, "
                    + "without it, " + SslConfig.KEYSTORE_PASSWORD + "): " + e.getMessage());
        }
    }

    private static TrustManagerFactory trustManagers(String listenerName, SslConfig ssl) {
        KeyStore store = ssl.truststoreLocation() == null ? null : load(listenerName, SslConfig.TRUSTSTORE_LOCATION,
                ssl.truststoreLocation(), ssl.truststoreType(), ssl.truststorePassword());
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigException(SslConfig.TRUSTSTORE_LOCATION, ssl.truststoreLocation(), "listener "
                    + listenerName + ": cannot trust this store's certificates: " + e.getMessage());
        }
    }

    private static KeyStore load(String listenerName, String key, String location, String type, Password password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.value().toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigException(key, location, "listener " + listenerName + ": cannot read this "
                    + type + " store (is the file there, of this type, and is its password right?): " + e);
        }
    }

    /**
     * The cipher suites offered: those given, each known to the engine (Java's names, which Netty maps to OpenSSL's);
     * null (the engine's defaults) when none are.
     */
    private static List<String> ciphers(String listenerName, SslConfig ssl, SslProvider provider) {
        if (ssl.cipherSuites().isEmpty()) {
            return null;
        }
        boolean openSsl = provider != SslProvider.JDK;
        Set<String> supported = openSsl ? OpenSsl.availableJavaCipherSuites() : jdkCipherSuites();
        for (String suite : ssl.cipherSuites()) {
            if (!supported.contains(suite)) {
                throw new InvalidConfigException(SslConfig.CIPHER_SUITES, String.join(",", ssl.cipherSuites()),
                        "listener " + listenerName + ": " + (openSsl ? OpenSsl.versionString() + " (" + SslConfig.ENGINE
                        + "=" + ssl.engine().value() + ")" : "the JDK") + " does not know the cipher suite " + suite
                        + (openSsl ? "; it knows " + String.join(", ", new TreeSet<>(supported)) : ""));
            }
        }
        return ssl.cipherSuites();
    }

    private static Set<String> jdkCipherSuites() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK has no default TLS context", e);
        }
    }
}
