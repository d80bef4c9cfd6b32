package io.ledgerstream.log.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS material of one party of BookKeeper's own protocol, a broker's BookKeeper client or a bookie: its key
 * store (its certificate, which a bookie that authorizes roles checks), the trust store its peer's certificate is
 * checked against, and the files holding their passwords, as BookKeeper reads them. Immutable.
 *
 * @param keyStore               the key store's path; for a client it may be empty, when the bookies do not ask for
 *                               certificates
 * @param keyStoreType           PKCS12 or JKS
 * @param keyStorePasswordFile   a file whose content is the key store's password; empty for none
 * @param trustStore             the trust store's path; required for a client, and for a bookie that asks for client
 *                               certificates
 * @param trustStoreType         PKCS12 or JKS
 * @param trustStorePasswordFile a file whose content is the trust store's password; empty for none
 * @param verifyHostname         for a client: whether a bookie's certificate must name the host it is reached at
 */
public record BookKeeperTls(Optional<Path> keyStore, String keyStoreType, Optional<Path> keyStorePasswordFile,
                            Optional<Path> trustStore, String trustStoreType, Optional<Path> trustStorePasswordFile,
                            boolean verifyHostname) {
    /** The broker's keys: its BookKeeper client speaks TLS to the bookies when {@link #ENABLED} is true. */
    public static final String ENABLED = "bookkeeper.tls.enabled";
    public static final String KEYSTORE_LOCATION = "bookkeeper.tls.keystore.location";
    public static final String KEYSTORE_TYPE = "bookkeeper.tls.keystore.type";
    public static final String KEYSTORE_PASSWORD_FILE = "bookkeeper.tls.keystore.password.file";
    public static final String TRUSTSTORE_LOCATION = "bookkeeper.tls.truststore.location";
    public static final String TRUSTSTORE_TYPE = "bookkeeper.tls.truststore.type";
    public static final String TRUSTSTORE_PASSWORD_FILE = "bookkeeper.tls.truststore.password.file";
    public static final String HOSTNAME_VERIFICATION = "bookkeeper.tls.hostname.verification.enable";
    public static final String DEFAULT_STORE_TYPE = "PKCS12";

    /**
     * The broker's BookKeeper client TLS from the keys above; empty unless {@code bookkeeper.tls.enabled=true}.
     *
     * @throws InvalidConfigException naming a key whose value is missing, of an unknown type or not a readable file
     */
    public static Optional<BookKeeperTls> fromMap(Map<String, String> values) {
        if (!ConfigValues.booleanValue(values, ENABLED, false)) {
            return Optional.empty();
        }
        String trustStore = values.get(TRUSTSTORE_LOCATION);
        if (trustStore == null || trustStore.isBlank()) {
            throw new InvalidConfigException(TRUSTSTORE_LOCATION, trustStore, "must be set when " + ENABLED
                    + " is true: the bookies' certificates are checked against it");
        }
        return Optional.of(of(optionalFile(values, KEYSTORE_LOCATION),
                storeType(KEYSTORE_TYPE, values.getOrDefault(KEYSTORE_TYPE, DEFAULT_STORE_TYPE)),
                optionalFile(values, KEYSTORE_PASSWORD_FILE),
                Optional.of(readable(TRUSTSTORE_LOCATION, trustStore.trim())),
                storeType(TRUSTSTORE_TYPE, values.getOrDefault(TRUSTSTORE_TYPE, DEFAULT_STORE_TYPE)),
                optionalFile(values, TRUSTSTORE_PASSWORD_FILE),
                ConfigValues.booleanValue(values, HOSTNAME_VERIFICATION, true)));
    }

    /** TLS material as given, its store types checked; the names in failures are those given. */
    public static BookKeeperTls of(Optional<Path> keyStore, String keyStoreType, Optional<Path> keyStorePasswordFile,
                                   Optional<Path> trustStore, String trustStoreType, Optional<Path> trustStorePasswordFile,
                                   boolean verifyHostname) {
        return new BookKeeperTls(keyStore, storeType("key store type", keyStoreType), keyStorePasswordFile,
                trustStore, storeType("trust store type", trustStoreType), trustStorePasswordFile, verifyHostname);
    }

    private static Optional<Path> optionalFile(Map<String, String> values, String key) {
        String raw = values.get(key);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(readable(key, raw.trim()));
    }

    private static Path readable(String key, String raw) {
        Path path = Path.of(raw);
        if (!Files.isReadable(path)) {
            throw new InvalidConfigException(key, raw, "no readable file there");
        }
        return path;
    }

    private static String storeType(String key, String raw) {
        String type = raw.trim().toUpperCase(Locale.ROOT);
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            throw new InvalidConfigException(key, raw, "must be PKCS12 or JKS");
        }
        return type;
    }
}
