package io.ledgerstream.log.standalone;

import io.ledgerstream.log.config.AuthorizerConfig;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.config.SaslConfig;
import io.ledgerstream.log.config.SecurityConfig;
import io.ledgerstream.log.config.SslConfig;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.StoredScramCredential;
import io.ledgerstream.log.metadata.UserScramCredentials;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The standalone platform's secure mode, kept under {@code <data>/security/} (readable by its owner only):
 * <ul>
 *   <li>{@code ca.pem}, {@code broker.p12}, {@code truststore.p12}: a certificate authority of its own and the
 *       brokers' certificate for 127.0.0.1 and localhost, made with the JDK's keytool
 *       ({@link SelfSignedCertificates}); the authority's key is not kept;</li>
 *   <li>{@code secrets.properties}: the stores' password and the admin user's;</li>
 *   <li>{@code admin-client.properties}: a ready Kafka client config for the admin user (SASL_SSL,
 *       SCRAM-SHA-512, the trust store), for {@code --client-config}.</li>
 * </ul>
 * The brokers then serve one listener, SASL_SSL with SCRAM-SHA-512 on 127.0.0.1 (also between brokers, logged in as
 * the admin), with the authorizer on and the admin its only super user; no plaintext listener is left.
 *
 * <p>Immutable once prepared.
 */
public final class SecureStandalone {
    /** The admin user: the super user, and the user the brokers log in to each other as. */
    public static final String ADMIN = "admin";
    public static final String FOLDER = "security";
    public static final String CLIENT_CONFIG = "admin-client.properties";
    static final String LISTENER = "SASL_SSL";
    private static final String MECHANISM = SaslConfig.SCRAM_SHA_512;
    private static final int SCRAM_ITERATIONS = 8192;
    private static final String STORE_PASSWORD = "store.password";
    private static final String ADMIN_PASSWORD = "admin.password";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path folder;
    private final String storePassword;
    private final String adminPassword;
    private final boolean created;

    private SecureStandalone(Path folder, String storePassword, String adminPassword, boolean created) {
        this.folder = folder;
        this.storePassword = storePassword;
        this.adminPassword = adminPassword;
        this.created = created;
    }

    /**
     * The secure mode of the platform whose data is in {@code dataDir}.
     * <ol>
     *   <li>When {@code <data>/security/secrets.properties} exists, its passwords and the stores beside it are
     *       used as they are (a later start).</li>
     *   <li>Otherwise (the first start): create the folder (owner only), draw a store password and an admin
     *       password, make the authority and certificate, write the client config, and write the secrets file
     *       last, so that a start that failed half-way starts over the next time.</li>
     * </ol>
     */
    public static SecureStandalone prepare(Path dataDir) throws IOException, InterruptedException {
        Path folder = dataDir.toAbsolutePath().resolve(FOLDER);
        Path secrets = folder.resolve("secrets.properties");
        if (Files.isRegularFile(secrets)) {
            Properties stored = new Properties();
            try (Reader reader = Files.newBufferedReader(secrets, StandardCharsets.UTF_8)) {
                stored.load(reader);
            }
            String store = stored.getProperty(STORE_PASSWORD);
            String admin = stored.getProperty(ADMIN_PASSWORD);
            if (store == null || admin == null) {
                throw new IOException(secrets + " lacks " + (store == null ? STORE_PASSWORD : ADMIN_PASSWORD)
                        + "; delete the folder " + folder + " to make new certificates and a new admin password");
            }
            return new SecureStandalone(folder, store, admin, false);
        }
        Files.createDirectories(folder);
        ownerOnly(folder, "rwx------");
        SecureStandalone secure = new SecureStandalone(folder, randomPassword(), randomPassword(), true);
        for (Path stale : List.of(secure.keyStore(), secure.trustStore())) {
            // Left by a first start that failed before the secrets were written: made again with the new password.
            Files.deleteIfExists(stale);
        }
        SelfSignedCertificates.write("Ledgerstream standalone", "broker", List.of("127.0.0.1", "localhost"),
                secure.storePassword, secure.keyStore(), secure.trustStore(), folder.resolve("ca.pem"));
        ownerOnly(secure.keyStore(), "rw-------");
        secure.writeProperties(secure.clientConfig(), secure.clientProperties(), "Kafka client settings of the "
                + "admin user, for --client-config");
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put(STORE_PASSWORD, secure.storePassword);
        stored.put(ADMIN_PASSWORD, secure.adminPassword);
        secure.writeProperties(secrets, stored, "Passwords of the secure standalone platform");
        return secure;
    }

    /** The admin's password when this start made it (to be shown once), empty on a later start. */
    public Optional<String> newAdminPassword() {
        return created ? Optional.of(adminPassword) : Optional.empty();
    }

    /** The admin's ready client config ({@value #CLIENT_CONFIG}, owner only). */
    public Path clientConfig() {
        return folder.resolve(CLIENT_CONFIG);
    }

    /** The brokers' settings: one SASL_SSL listener on 127.0.0.1:{@code port}, the stores, SCRAM, the authorizer. */
    public Map<String, String> brokerSettings(int port) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(NetworkConfig.LISTENERS, LISTENER + "://127.0.0.1:" + port);
        settings.put(NetworkConfig.INTER_BROKER_LISTENER_NAME, LISTENER);
        settings.put(SslConfig.KEYSTORE_LOCATION, keyStore().toString());
        settings.put(SslConfig.KEYSTORE_PASSWORD, storePassword);
        settings.put(SslConfig.KEYSTORE_TYPE, "PKCS12");
        settings.put(SslConfig.TRUSTSTORE_LOCATION, trustStore().toString());
        settings.put(SslConfig.TRUSTSTORE_PASSWORD, storePassword);
        settings.put(SslConfig.TRUSTSTORE_TYPE, "PKCS12");
        settings.put(SaslConfig.ENABLED_MECHANISMS, MECHANISM);
        settings.put(SecurityConfig.SASL_MECHANISM_INTER_BROKER_PROTOCOL, MECHANISM);
        settings.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas());
        settings.put(AuthorizerConfig.AUTHORIZER_ENABLED, "true");
        settings.put(AuthorizerConfig.SUPER_USERS, "User:" + ADMIN);
        return settings;
    }

    /**
     * Stores the admin's SCRAM credential: on the start that made the password (replacing any credential an
     * earlier security folder left), and on a later start only if the user has none.
     */
    public void ensureAdminUser(MetadataStore metadata) throws Exception {
        var stored = metadata.scramCredentials().read(ADMIN).get(30, TimeUnit.SECONDS);
        if (!created && stored.value().byMechanism().containsKey(MECHANISM)) {
            return;
        }
        ScramCredential credential = new ScramFormatter(ScramMechanism.SCRAM_SHA_512)
                .generateCredential(adminPassword, SCRAM_ITERATIONS);
        Map<String, StoredScramCredential> byMechanism = new LinkedHashMap<>(stored.value().byMechanism());
        byMechanism.put(MECHANISM, new StoredScramCredential(credential.salt(), credential.storedKey(),
                credential.serverKey(), credential.iterations()));
        metadata.scramCredentials().write(ADMIN, new UserScramCredentials(byMechanism), stored.version())
                .get(30, TimeUnit.SECONDS);
    }

    private Map<String, String> clientProperties() {
        Map<String, String> client = new LinkedHashMap<>();
        client.put("security.protocol", LISTENER);
        client.put("sasl.mechanism", MECHANISM);
        client.put("sasl.jaas.config", jaas());
        client.put(SslConfig.TRUSTSTORE_LOCATION, trustStore().toString());
        client.put(SslConfig.TRUSTSTORE_PASSWORD, storePassword);
        client.put(SslConfig.TRUSTSTORE_TYPE, "PKCS12");
        return client;
    }

    private String jaas() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\";";
    }

    private Path keyStore() {
        return folder.resolve("broker.p12");
    }

    private Path trustStore() {
        return folder.resolve("truststore.p12");
    }

    /** Writes a properties file readable by its owner only, made so before anything is written into it. */
    private void writeProperties(Path file, Map<String, String> values, String comment) throws IOException {
        Path partial = folder.resolve(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial);
        ownerOnly(partial, "rw-------");
        Properties properties = new Properties();
        properties.putAll(values);
        try (Writer writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            properties.store(writer, comment);
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    /** 192 random bits, URL-safe Base64 (no quote or backslash to escape in a JAAS entry). */
    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
