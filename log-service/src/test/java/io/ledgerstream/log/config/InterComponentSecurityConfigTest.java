package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's ZooKeeper identity and ACL keys and its BookKeeper client's TLS keys, each refusal naming its key. */
class InterComponentSecurityConfigTest {
    @TempDir
    Path dir;

    @Test
    void zookeeperAclsNeedTheIdentityTheyAreGivenTo() {
        assertThat(BrokerConfig.fromMap(Map.of()).zookeeperSecurity()).isEqualTo(ZooKeeperSecurity.NONE);

        ZooKeeperSecurity security = BrokerConfig.fromMap(Map.of("zookeeper.set.acl", "true",
                "zookeeper.auth.digest", "broker:pass:with:colons")).zookeeperSecurity();
        assertThat(security.setAcl()).isTrue();
        assertThat(security.user()).contains("broker");
        assertThat(security.digest().orElseThrow().value()).isEqualTo("broker:pass:with:colons");
        assertThat(security.toString()).doesNotContain("pass:with");

        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("zookeeper.set.acl", "true")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'zookeeper.set.acl'")
                .hasMessageContaining("zookeeper.auth.digest");
        for (String bad : new String[] {"no-colon", ":no-user", "no-password:"}) {
            assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("zookeeper.auth.digest", bad)))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'zookeeper.auth.digest'")
                    .hasMessageNotContaining(bad);
        }
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("zookeeper.set.acl", "true",
                "zookeeper.auth.digest", "broker:secret", "bookkeeper.ledgers.root", "/ledgerstream/ledgers")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bookkeeper.ledgers.root");
    }

    @Test
    void bookkeeperTlsIsReadWhenEnabled() throws Exception {
        Path trust = Files.writeString(dir.resolve("trust.jks"), "x");
        Path keys = Files.writeString(dir.resolve("keys.p12"), "x");
        Path password = Files.writeString(dir.resolve("password"), "secret");
        assertThat(BrokerConfig.fromMap(Map.of("bookkeeper.tls.truststore.location", trust.toString()))
                .bookkeeperTls()).isEmpty();

        Map<String, String> values = new HashMap<>(Map.of("bookkeeper.tls.enabled", "true",
                "bookkeeper.tls.truststore.location", trust.toString(), "bookkeeper.tls.truststore.type", "jks",
                "bookkeeper.tls.keystore.location", keys.toString(),
                "bookkeeper.tls.keystore.password.file", password.toString()));
        BookKeeperTls tls = BrokerConfig.fromMap(values).bookkeeperTls().orElseThrow();
        assertThat(tls.trustStore()).contains(trust);
        assertThat(tls.trustStoreType()).isEqualTo("JKS");
        assertThat(tls.keyStore()).contains(keys);
        assertThat(tls.keyStoreType()).isEqualTo("PKCS12");
        assertThat(tls.keyStorePasswordFile()).contains(password);
        assertThat(tls.trustStorePasswordFile()).isEmpty();
        assertThat(tls.verifyHostname()).isTrue();

        values.put("bookkeeper.tls.keystore.type", "PEM");
        assertThatThrownBy(() -> BrokerConfig.fromMap(values)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'bookkeeper.tls.keystore.type'");
        values.remove("bookkeeper.tls.keystore.type");
        values.put("bookkeeper.tls.keystore.password.file", dir.resolve("missing").toString());
        assertThatThrownBy(() -> BrokerConfig.fromMap(values)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'bookkeeper.tls.keystore.password.file'").hasMessageContaining("no readable");
        assertThatThrownBy(() -> BrokerConfig.fromMap(Map.of("bookkeeper.tls.enabled", "true")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'bookkeeper.tls.truststore.location'");
    }
}
