package io.ledgerstream.log.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secure mode's files: made once, owner-only, a certificate the authority signed, reused as they are. */
class SecureStandaloneTest {
    @TempDir
    Path data;

    @Test
    void theFirstStartMakesTheFilesAndPasswordALaterOneReusesThemWithoutShowingIt() throws Exception {
        SecureStandalone first = SecureStandalone.prepare(data);
        String password = first.newAdminPassword().orElseThrow();
        assertThat(password).hasSize(32);
        Path folder = data.resolve("security");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        for (String file : List.of("admin-client.properties", "secrets.properties", "broker.p12")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        Properties client = new Properties();
        try (Reader reader = Files.newBufferedReader(first.clientConfig())) {
            client.load(reader);
        }
        assertThat(client.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(client.getProperty("sasl.jaas.config")).contains("username=\"admin\"", password);
        byte[] clientBytes = Files.readAllBytes(first.clientConfig());
        byte[] keyStoreBytes = Files.readAllBytes(folder.resolve("broker.p12"));

        SecureStandalone again = SecureStandalone.prepare(data);
        assertThat(again.newAdminPassword()).isEmpty();
        assertThat(again.brokerSettings(9093)).isEqualTo(first.brokerSettings(9093));
        assertThat(Files.readAllBytes(again.clientConfig())).isEqualTo(clientBytes);
        assertThat(Files.readAllBytes(folder.resolve("broker.p12"))).isEqualTo(keyStoreBytes);
    }

    @Test
    void theBrokersCertificateNamesTheLoopbackAndIsSignedByTheTrustedAuthority() throws Exception {
        SecureStandalone secure = SecureStandalone.prepare(data);
        Map<String, String> settings = secure.brokerSettings(9093);
        assertThat(settings).containsEntry("listeners", "SASL_SSL://127.0.0.1:9093")
                .containsEntry("authorizer.enabled", "true").containsEntry("super.users", "User:admin")
                .containsEntry("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        char[] password = settings.get("ssl.keystore.password").toCharArray();
        KeyStore keys = load(Path.of(settings.get("ssl.keystore.location")), password);
        KeyStore trust = load(Path.of(settings.get("ssl.truststore.location")), password);
        X509Certificate broker = (X509Certificate) keys.getCertificate("broker");
        X509Certificate ca = (X509Certificate) trust.getCertificate("ca");

        broker.verify(ca.getPublicKey());
        broker.checkValidity();
        assertThat(broker.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .containsExactly((Object) "127.0.0.1", "localhost");
        assertThat(ca.getBasicConstraints()).as("a CA that signs no other CA").isZero();
        assertThat(broker.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(broker.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(Files.list(data.resolve("security")).map(f -> f.getFileName().toString()).sorted().toList())
                .as("no scratch store with the authority's key").containsExactly("admin-client.properties", "broker.p12",
                        "ca.pem", "secrets.properties", "truststore.p12");
        assertThat(keys.getKey("broker", password)).isNotNull();
        assertThat(Files.readString(data.resolve("security/ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }
}
