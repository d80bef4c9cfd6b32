package io.ledgerstream.log.security;

import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.SslConfig;
import io.netty.handler.ssl.ClientAuth;
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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.types.Password;

/**
 * Netty TLS contexts (the JDK's provider) from a listener's {@link SslConfig}: the server side of a listener and the
 * client side of the broker's own connections to other brokers. Key and trust stores are read once, when the context
 * is built; a store that cannot be read, a key store without a private key, or a cipher suite the JDK does not know
 * fails start-up naming its key.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** The server side of a TLS listener: its certificate, and client certificates asked for as configured. */
    public static SslContext server(String listenerName, SslConfig ssl) {
        KeyManagerFactory keys = keyManagers(listenerName, ssl);
        try {
            return SslContextBuilder.forServer(keys)
                    .trustManager(trustManagers(listenerName, ssl))
                    .clientAuth(switch (ssl.clientAuth()) {
                        case REQUIRED -> ClientAuth.REQUIRE;
                        case REQUESTED -> ClientAuth.OPTIONAL;
                        case NONE -> ClientAuth.NONE;
                    })
                    .protocols(ssl.enabledProtocols())
                    .ciphers(ciphers(listenerName, ssl))
                    .sslProvider(SslProvider.JDK)
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
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .trustManager(trustManagers(listenerName, ssl))
                    .protocols(ssl.enabledProtocols())
                    .ciphers(ciphers(listenerName, ssl))
                    .sslProvider(SslProvider.JDK);
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

    /** The cipher suites offered: those given, each known to the JDK; null (the JDK's defaults) when none are. */
    private static List<String> ciphers(String listenerName, SslConfig ssl) {
        if (ssl.cipherSuites().isEmpty()) {
            return null;
        }
        Set<String> supported;
        try {
            supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK has no default TLS context", e);
        }
        for (String suite : ssl.cipherSuites()) {
            if (!supported.contains(suite)) {
                throw new InvalidConfigException(SslConfig.CIPHER_SUITES, String.join(",", ssl.cipherSuites()),
                        "listener " + listenerName + ": the JDK does not know the cipher suite " + suite);
            }
        }
        return ssl.cipherSuites();
    }
}
