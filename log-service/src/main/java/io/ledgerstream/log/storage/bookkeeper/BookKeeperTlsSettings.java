package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.config.BookKeeperTls;
import java.nio.file.Path;
import org.apache.bookkeeper.conf.AbstractConfiguration;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.bookkeeper.tls.TLSContextFactory;

/**
 * Turns {@link BookKeeperTls} into BookKeeper's own settings ({@code tlsProviderFactoryClass}, {@code tlsKeyStore},
 * {@code tlsTrustStore}, ...), the same for a client and a bookie. Stateless.
 */
public final class BookKeeperTlsSettings {
    private BookKeeperTlsSettings() {
    }

    /**
     * Makes {@code conf} speak TLS with {@code tls}'s material, through the JDK's TLS (no native library needed). A
     * client then upgrades every bookie connection to TLS before any request, and fails it if that fails.
     */
    public static void apply(BookKeeperTls tls, AbstractConfiguration<?> conf) {
        conf.setTLSProviderFactoryClass(TLSContextFactory.class.getName());
        conf.setTLSProvider("JDK");
        tls.keyStore().ifPresent(store -> {
            conf.setProperty("tlsKeyStore", path(store));
            conf.setProperty("tlsKeyStoreType", tls.keyStoreType());
        });
        tls.keyStorePasswordFile().ifPresent(file -> conf.setProperty("tlsKeyStorePasswordPath", path(file)));
        tls.trustStore().ifPresent(store -> {
            conf.setProperty("tlsTrustStore", path(store));
            conf.setProperty("tlsTrustStoreType", tls.trustStoreType());
        });
        tls.trustStorePasswordFile().ifPresent(file -> conf.setProperty("tlsTrustStorePasswordPath", path(file)));
        if (conf instanceof ClientConfiguration client) {
            client.setHostnameVerificationEnabled(tls.verifyHostname());
        }
    }

    private static String path(Path file) {
        return file.toAbsolutePath().toString();
    }
}
