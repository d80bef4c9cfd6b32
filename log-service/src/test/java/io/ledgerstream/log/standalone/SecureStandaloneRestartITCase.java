package io.ledgerstream.log.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.testing.FreePorts;
import java.io.File;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure mode across restarts of a real platform with three brokers (which log in to each other as the admin):
 * the admin logs in with the written client config on each start; a security folder made anew replaces the admin's
 * credential, so its new password works and the old one no longer does.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecureStandaloneRestartITCase {
    @TempDir
    Path dir;

    @Test
    void theAdminLogsInAfterRestartsAndANewSecurityFolderReplacesItsPassword() throws Exception {
        Path data = dir.resolve("data");
        int zookeeper = FreePorts.consecutive(1);
        int bookies = FreePorts.consecutive(3);
        int kafka = FreePorts.consecutive(3);

        SecureStandalone first = SecureStandalone.prepare(data);
        Map<String, Object> firstAdmin = admin(first, kafka);
        try (StandalonePlatform platform = start(first, data, zookeeper, bookies, kafka)) {
            assertThat(describeCluster(firstAdmin)).isEqualTo(3);
        }
        SecureStandalone again = SecureStandalone.prepare(data);
        assertThat(again.newAdminPassword()).isEmpty();
        try (StandalonePlatform platform = start(again, data, zookeeper, bookies, kafka)) {
            assertThat(describeCluster(admin(again, kafka))).isEqualTo(3);
        }

        try (var files = Files.list(data.resolve(SecureStandalone.FOLDER))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        SecureStandalone renewed = SecureStandalone.prepare(data);
        assertThat(renewed.newAdminPassword()).isPresent().isNotEqualTo(first.newAdminPassword());
        try (StandalonePlatform platform = start(renewed, data, zookeeper, bookies, kafka)) {
            assertThat(describeCluster(admin(renewed, kafka))).isEqualTo(3);
            Map<String, Object> oldPassword = new HashMap<>(admin(renewed, kafka));
            oldPassword.put("sasl.jaas.config", firstAdmin.get("sasl.jaas.config"));
            assertThatThrownBy(() -> describeCluster(oldPassword)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static StandalonePlatform start(SecureStandalone secure, Path data, int zookeeper, int bookies,
                                            int kafka) throws Exception {
        Map<String, String> settings = new HashMap<>(secure.brokerSettings(kafka));
        settings.put("metrics.http.port", "-1");
        return StandalonePlatform.start(new StandalonePlatform.Settings(new File(data.toString()), zookeeper, bookies,
                3, settings, 3), Clock.systemUTC(), secure::ensureAdminUser);
    }

    private static Map<String, Object> admin(SecureStandalone secure, int kafka) throws Exception {
        Properties client = new Properties();
        try (Reader reader = Files.newBufferedReader(secure.clientConfig())) {
            client.load(reader);
        }
        Map<String, Object> config = new HashMap<>();
        client.forEach((k, v) -> config.put((String) k, v));
        config.put("bootstrap.servers", "127.0.0.1:" + kafka);
        return config;
    }

    /** The number of brokers the cluster describes, as the given login sees it. */
    private static int describeCluster(Map<String, Object> config) throws Exception {
        try (Admin admin = Admin.create(config)) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        }
    }
}
