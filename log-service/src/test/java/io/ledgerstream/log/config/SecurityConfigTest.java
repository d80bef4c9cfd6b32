package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.SslClientAuth;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Kafka's TLS and SASL keys read per listener, and every refused setting named with its key, secrets hidden. */
class SecurityConfigTest {
    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";
    private static final String SCRAM_JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"broker\" password=\"broker-secret\";";

    private static Map<String, String> fourListeners() {
        Map<String, String> values = new HashMap<>();
        values.put("listeners", "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093,SASL_SSL://127.0.0.1:9094,"
                + "INTERNAL://127.0.0.1:9095");
        values.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,INTERNAL:SASL_PLAINTEXT");
        values.put("ssl.keystore.location", "/etc/broker.p12");
        values.put("ssl.keystore.password", "store-secret");
        values.put("ssl.keystore.type", "pkcs12");
        values.put("ssl.client.auth", "required");
        values.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        values.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
        values.put("listener.name.internal.plain.sasl.jaas.config", PLAIN_JAAS);
        return values;
    }

    private static SecurityConfig read(Map<String, String> values) {
        return SecurityConfig.fromMap(values, NetworkConfig.fromMap(values));
    }

    @Test
    void eachListenerGetsTheBrokerWideKeysWithItsOwnOverridesOver() {
        Map<String, String> values = fourListeners();
        values.put("listener.name.ssl.ssl.enabled.protocols", "TLSv1.3");
        SecurityConfig config = read(values);

        ListenerSecurity plaintext = config.listener("PLAINTEXT");
        assertThat(plaintext.protocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(plaintext.usesTls()).isFalse();
        assertThat(plaintext.usesSasl()).isFalse();

        SslConfig ssl = config.listener("SSL").ssl();
        assertThat(ssl.keystoreLocation()).isEqualTo("/etc/broker.p12");
        assertThat(ssl.keystoreType()).isEqualTo("PKCS12");
        assertThat(ssl.keystorePassword().value()).isEqualTo("store-secret");
        assertThat(ssl.truststoreType()).isEqualTo("JKS");
        assertThat(ssl.clientAuth()).isEqualTo(SslClientAuth.REQUIRED);
        assertThat(ssl.enabledProtocols()).containsExactly("TLSv1.3");
        assertThat(ssl.cipherSuites()).isEmpty();
        assertThat(ssl.identifiesEndpoints()).isTrue();
        assertThat(ssl.engine()).isEqualTo(SslEngine.AUTO);

        // KIP-684: on SASL_SSL the broker-wide ssl.client.auth does not count, the listener's own would.
        ListenerSecurity saslSsl = config.listener("SASL_SSL");
        assertThat(saslSsl.ssl().clientAuth()).isEqualTo(SslClientAuth.NONE);
        assertThat(saslSsl.ssl().enabledProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(saslSsl.sasl().mechanisms()).containsExactly("SCRAM-SHA-512");
        assertThat(saslSsl.sasl().jaas()).isEmpty();

        ListenerSecurity internal = config.listener("INTERNAL");
        assertThat(internal.usesTls()).isFalse();
        assertThat(internal.sasl().mechanisms()).containsExactly("PLAIN", "SCRAM-SHA-256");
        SaslConfig.Jaas plain = internal.sasl().jaas().get("PLAIN");
        assertThat(plain.key()).isEqualTo("listener.name.internal.plain.sasl.jaas.config");
        assertThat(plain.option("user_alice")).contains("alice-secret");
        assertThat(config.failedAuthenticationDelayMs()).isEqualTo(100);
        assertThat(config.saslServerMaxReceiveSize()).isEqualTo(524_288);
        assertThat(config.interBrokerLogin()).isEmpty();

        values.put("listener.name.sasl_ssl.ssl.client.auth", "requested");
        assertThat(read(values).listener("SASL_SSL").ssl().clientAuth()).isEqualTo(SslClientAuth.REQUESTED);
    }

    @Test
    void secretsShowAsHiddenInTheConfigurationAndInItsErrors() {
        SecurityConfig config = read(fourListeners());
        assertThat(config.toString()).doesNotContain("store-secret").doesNotContain("alice-secret")
                .contains("[hidden]");
        Map<String, String> values = fourListeners();
        values.put("listener.name.internal.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\"");
        refused(values, "listener.name.internal.plain.sasl.jaas.config")
                .hasMessageContaining("not terminated by semi-colon")
                .message().doesNotContain("alice-secret");
    }

    @Test
    void theBrokerWideJaasEntryServesEveryListenerWithoutItsOwn() {
        Map<String, String> values = fourListeners();
        values.remove("listener.name.internal.plain.sasl.jaas.config");
        values.put("sasl.jaas.config", PLAIN_JAAS);
        SaslConfig.Jaas plain = read(values).listener("INTERNAL").sasl().jaas().get("PLAIN");
        assertThat(plain.key()).isEqualTo("sasl.jaas.config");
        assertThat(plain.option("user_admin")).contains("admin-secret");
    }

    @Test
    void refusedSettingsNameTheirKey() {
        Map<String, String> noKeystore = fourListeners();
        noKeystore.remove("ssl.keystore.location");
        refused(noKeystore, "ssl.keystore.location").hasMessageContaining("listener SSL serves TLS")
                .hasMessageContaining("listener.name.ssl.ssl.keystore.location");

        Map<String, String> gssapi = fourListeners();
        gssapi.remove("sasl.enabled.mechanisms");
        refused(gssapi, "sasl.enabled.mechanisms").hasMessageContaining("would offer GSSAPI, which is not served")
                .hasMessageContaining("unset, it is Kafka's default GSSAPI");

        Map<String, String> oauth = fourListeners();
        oauth.put("listener.name.internal.sasl.enabled.mechanisms", "OAUTHBEARER");
        refused(oauth, "listener.name.internal.sasl.enabled.mechanisms").hasMessageContaining("OAUTHBEARER");

        Map<String, String> plainWithoutUsers = fourListeners();
        plainWithoutUsers.remove("listener.name.internal.plain.sasl.jaas.config");
        refused(plainWithoutUsers, "listener.name.internal.plain.sasl.jaas.config")
                .hasMessageContaining("offers PLAIN, whose users are the user_<name>");

        Map<String, String> scramModuleForPlain = fourListeners();
        scramModuleForPlain.put("listener.name.internal.plain.sasl.jaas.config", SCRAM_JAAS);
        refused(scramModuleForPlain, "listener.name.internal.plain.sasl.jaas.config")
                .hasMessageContaining("PlainLoginModule");

        Map<String, String> clientAuth = fourListeners();
        clientAuth.put("ssl.client.auth", "always");
        refused(clientAuth, "ssl.client.auth").hasMessageContaining("none, requested, required");

        Map<String, String> pem = fourListeners();
        pem.put("listener.name.ssl.ssl.keystore.type", "PEM");
        refused(pem, "listener.name.ssl.ssl.keystore.type").hasMessageContaining("PEM is not supported");

        Map<String, String> oldTls = fourListeners();
        oldTls.put("ssl.enabled.protocols", "TLSv1.1");
        refused(oldTls, "ssl.enabled.protocols").hasMessageContaining("'TLSv1.1' is not a TLS version served");

        Map<String, String> endpoint = fourListeners();
        endpoint.put("ssl.endpoint.identification.algorithm", "ldaps");
        refused(endpoint, "ssl.endpoint.identification.algorithm").hasMessageContaining("must be https");

        Map<String, String> reauth = fourListeners();
        reauth.put("connections.max.reauth.ms", "3600000");
        refused(reauth, "connections.max.reauth.ms").hasMessageContaining("KIP-368");
    }

    @Test
    void aSaslInterBrokerListenerLogsInWithTheMechanismsJaasUsernameAndPassword() {
        Map<String, String> values = fourListeners();
        values.put("inter.broker.listener.name", "INTERNAL");
        refused(values, "sasl.mechanism.inter.broker.protocol")
                .hasMessageContaining("which that listener does not offer; it offers PLAIN, SCRAM-SHA-256")
                .hasMessageContaining("unset, it is Kafka's default GSSAPI");

        values.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
        refused(values, "listener.name.internal.scram-sha-256.sasl.jaas.config")
                .hasMessageContaining("as the username and password options of this JAAS entry");

        values.put("listener.name.internal.scram-sha-256.sasl.jaas.config", SCRAM_JAAS);
        InterBrokerLogin login = read(values).interBrokerLogin().orElseThrow();
        assertThat(login.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(login.username()).isEqualTo("broker");
        assertThat(login.password().value()).isEqualTo("broker-secret");
        assertThat(login.toString()).doesNotContain("broker-secret");

        values.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        assertThat(read(values).interBrokerLogin().orElseThrow().username()).isEqualTo("admin");
    }

    @Test
    void brokerConfigDescribesTheBrokerWideKeysAndMarksPasswordsSensitive() {
        Map<String, String> values = fourListeners();
        values.put("broker.id", "0");
        BrokerConfig config = BrokerConfig.fromMap(values);
        BrokerConfigKeys.Key password = BrokerConfigKeys.key("ssl.keystore.password").orElseThrow();
        assertThat(password.sensitive()).isTrue();
        assertThat(BrokerConfigKeys.key("ssl.keystore.location").orElseThrow().value(config,
                config.defaultLogConfig())).isEqualTo("/etc/broker.p12");
        assertThat(BrokerConfigKeys.key("sasl.enabled.mechanisms").orElseThrow().value(
                BrokerConfig.fromMap(Map.of()), LogConfig.DEFAULTS)).isEqualTo("GSSAPI");
        assertThat(List.of("ssl.keystore.password", "ssl.key.password", "ssl.truststore.password",
                "sasl.jaas.config")).allSatisfy(k -> assertThat(BrokerConfigKeys.key(k).orElseThrow().sensitive())
                .isTrue());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Map<String, String> values, String key) {
        return assertThatThrownBy(() -> read(values))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("for configuration key '" + key + "'")
                .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo(key));
    }
}
