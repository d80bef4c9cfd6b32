package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.config.SecurityConfig;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.config.SslEngine;
import io.ledgerstream.log.security.ClientSecurity;
import io.ledgerstream.log.security.ServerSecurity;
import io.ledgerstream.log.security.TlsContexts;
import io.ledgerstream.log.testing.LoggedWarnings;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import io.netty.handler.ssl.OpenSsl;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS listeners of the Kafka-protocol server, with a certificate authority, key stores (PKCS12 and JKS) and trust
 * stores made for the test: the principal comes from the client certificate's distinguished name, or is ANONYMOUS
 * without one, and on SASL_SSL from the login; a listener requiring a certificate refuses a client without one; a plaintext client on a TLS port and
 * a TLS client on a plaintext port are each closed with one log line, and the server goes on serving. Listeners run on
 * the TLS engine {@code ssl.engine} asks for (auto, BoringSSL where it loads, unless said otherwise).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsListenersITCase {
    private static final String ALICE = "CN=alice,OU=clients,O=Ledgerstream";

    @TempDir
    static Path dir;
    private static TestCertificates certificates;
    private static Path brokerStore;
    /** A JKS key store whose key has a password of its own. */
    private static Path brokerJksStore;
    private static Path aliceStore;
    private static Path trustStoreP12;
    private static Path trustStoreJks;

    private final List<KafkaPrincipal> principals = new CopyOnWriteArrayList<>();
    private KafkaServer server;
    private int correlation;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(dir.resolve("ca"));
        brokerStore = certificates.keyStore("broker", "CN=broker,O=Ledgerstream", "PKCS12");
        brokerJksStore = certificates.keyStore("broker-jks", "CN=broker,O=Ledgerstream", "JKS", "key-secret");
        aliceStore = certificates.keyStore("alice", ALICE, "JKS");
        trustStoreP12 = certificates.trustStore("PKCS12");
        trustStoreJks = certificates.trustStore("JKS");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Four listeners: REQUIRED and REQUESTED serve TLS asking client certificates so, PLAIN does not, LOGIN is
     * SASL_SSL requiring a certificate too. REQUIRED has the broker-wide PKCS12 stores; REQUESTED its own JKS ones,
     * its key protected by a password of its own.
     */
    private Map<String, String> settings() {
        Map<String, String> values = new HashMap<>();
        values.put("listeners", "REQUIRED://127.0.0.1:0,REQUESTED://127.0.0.1:0,PLAIN://127.0.0.1:0,"
                + "LOGIN://127.0.0.1:0");
        values.put("listener.security.protocol.map", "REQUIRED:SSL,REQUESTED:SSL,PLAIN:PLAINTEXT,LOGIN:SASL_SSL");
        values.put("listener.name.login.ssl.client.auth", "required");
        values.put("listener.name.login.sasl.enabled.mechanisms", "PLAIN");
        values.put("listener.name.login.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_bob=\"bob-secret\";");
        values.put("inter.broker.listener.name", "PLAIN");
        values.put("ssl.keystore.location", brokerStore.toString());
        values.put("ssl.keystore.password", TestCertificates.PASSWORD);
        values.put("ssl.keystore.type", "PKCS12");
        values.put("ssl.truststore.location", trustStoreP12.toString());
        values.put("ssl.truststore.password", TestCertificates.PASSWORD);
        values.put("ssl.truststore.type", "PKCS12");
        values.put("ssl.client.auth", "required");
        values.put("listener.name.requested.ssl.client.auth", "requested");
        values.put("listener.name.requested.ssl.truststore.location", trustStoreJks.toString());
        values.put("listener.name.requested.ssl.truststore.type", "JKS");
        values.put("listener.name.requested.ssl.keystore.location", brokerJksStore.toString());
        values.put("listener.name.requested.ssl.keystore.type", "JKS");
        values.put("listener.name.requested.ssl.key.password", "key-secret");
        return values;
    }

    private void start(Map<String, String> values) throws InterruptedException {
        NetworkConfig network = NetworkConfig.fromMap(values);
        server = KafkaServer.start(network, ServerSecurity.create(SecurityConfig.fromMap(values, network), null),
                new ApiHandlers().register(new RecordingApiVersions()));
    }

    private int port(String listener) {
        return server.config().listener(listener).orElseThrow().port();
    }

    @Test
    void aClientCertificateGivesThePrincipalByItsDistinguishedNameAndNoneGivesAnonymous() throws Exception {
        start(settings());
        try (Socket withCertificate = tls(port("REQUIRED"), true);
             Socket requestedWithout = tls(port("REQUESTED"), false);
             Socket requestedWith = tls(port("REQUESTED"), true);
             Socket plain = plain(port("PLAIN"))) {
            assertThat(apiVersions(withCertificate)).isEqualTo(Errors.NONE);
            assertThat(apiVersions(requestedWithout)).isEqualTo(Errors.NONE);
            assertThat(apiVersions(requestedWith)).isEqualTo(Errors.NONE);
            assertThat(apiVersions(plain)).isEqualTo(Errors.NONE);
        }
        assertThat(principals).containsExactly(new KafkaPrincipal("User", ALICE), KafkaPrincipal.ANONYMOUS,
                new KafkaPrincipal("User", ALICE), KafkaPrincipal.ANONYMOUS);
    }

    @Test
    void onlyTheTlsVersionsAndCipherSuitesConfiguredAreOffered() throws Exception {
        Map<String, String> values = settings();
        values.put("listener.name.required.ssl.enabled.protocols", "TLSv1.3");
        values.put("listener.name.required.ssl.cipher.suites", "TLS_AES_256_GCM_SHA384");
        start(values);
        try (SSLSocket socket = tls(port("REQUIRED"), true)) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
        }
        assertThatThrownBy(() -> {
            try (SSLSocket socket = tls(port("REQUIRED"), true)) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.startHandshake();
            }
        }).isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> {
            try (SSLSocket socket = tls(port("REQUIRED"), true)) {
                socket.setEnabledCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256"});
                socket.startHandshake();
            }
        }).isInstanceOf(SSLException.class);
        try (SSLSocket socket = tls(port("REQUESTED"), true)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void tls12CipherSuitesListedAreTheOnlyOnesOfferedOnEitherEngine() throws Exception {
        for (String engine : OpenSsl.isAvailable() ? List.of("openssl", "jdk") : List.of("jdk")) {
            Map<String, String> values = settings();
            values.put("ssl.engine", engine);
            values.put("listener.name.requested.ssl.cipher.suites", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
                    + "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256");
            start(values);
            try (SSLSocket socket = tls(port("REQUESTED"), true)) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.startHandshake();
                assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            }
            assertThatThrownBy(() -> {
                try (SSLSocket socket = tls(port("REQUESTED"), true)) {
                    socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                    socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});
                    socket.startHandshake();
                }
            }).as(engine).isInstanceOf(SSLException.class);
            server.close();
            server = null;
        }
    }

    @Test
    void onSaslSslThePrincipalIsTheLoginsUserNotTheCertificatesAndAnonymousBeforeTheLogin() throws Exception {
        start(settings());
        try (Socket socket = tls(port("LOGIN"), true)) {
            assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
            SaslHandshakeResponseData handshake = new SaslHandshakeResponseData(new ByteBufferAccessor(
                    RawKafkaRequests.exchange(socket, new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData()
                            .setMechanism("PLAIN")).build((short) 1), ++correlation)), (short) 1);
            assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponseData login = new SaslAuthenticateResponseData(new ByteBufferAccessor(
                    RawKafkaRequests.exchange(socket, new SaslAuthenticateRequest.Builder(
                            new SaslAuthenticateRequestData().setAuthBytes("\u0000bob\u0000bob-secret".getBytes(
                                    java.nio.charset.StandardCharsets.UTF_8))).build((short) 2), ++correlation)),
                    (short) 2);
            assertThat(login.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
        }
        assertThat(principals).containsExactly(KafkaPrincipal.ANONYMOUS, new KafkaPrincipal("User", "bob"));
    }

    @Test
    void principalMappingRulesShortenTheDistinguishedNameAsKafkasDo() throws Exception {
        Map<String, String> values = settings();
        values.put("ssl.principal.mapping.rules", "RULE:^CN=(.*?),OU=clients,O=(.*)$/$1/U, DEFAULT");
        start(values);
        try (Socket socket = tls(port("REQUIRED"), true)) {
            assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
        }
        assertThat(principals).containsExactly(new KafkaPrincipal("User", "ALICE"));
    }

    @Test
    void aListenerRequiringACertificateRefusesAClientWithoutOneAndServesTheNext() throws Exception {
        start(settings());
        try (LoggedWarnings warnings = LoggedWarnings.start()) {
            assertThatThrownBy(() -> {
                try (Socket socket = tls(port("REQUIRED"), false)) {
                    apiVersions(socket);
                }
            }).isInstanceOf(IOException.class);
            try (Socket socket = tls(port("REQUIRED"), true)) {
                assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
            }
            assertThat(warnings.lines()).isEmpty();
        }
        assertThat(principals).containsExactly(new KafkaPrincipal("User", ALICE));
    }

    @Test
    void aPlaintextClientOnATlsPortIsClosedWithOneLogLineAndOthersAreServed() throws Exception {
        start(settings());
        try (LoggedWarnings logged = LoggedWarnings.start(Level.INFO)) {
            for (int i = 0; i < 3; i++) {
                try (Socket socket = plain(port("REQUIRED"))) {
                    assertThat(RawKafkaRequests.exchangeFrame(socket, apiVersionsFrame())).isNull();
                }
            }
            try (Socket socket = tls(port("REQUIRED"), true)) {
                assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
            }
            List<String> closes = closeLines(logged);
            assertThat(closes).hasSize(1);
            assertThat(closes.get(0)).contains("not TLS on a TLS listener");
            assertThat(logged.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
        }
    }

    @Test
    void aTlsClientOnAPlaintextPortIsClosedWithOneLogLineAndOthersAreServed() throws Exception {
        start(settings());
        try (LoggedWarnings logged = LoggedWarnings.start(Level.INFO)) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> {
                    try (SSLSocket socket = tls(port("PLAIN"), true)) {
                        socket.startHandshake();
                    }
                }).isInstanceOf(IOException.class);
            }
            try (Socket socket = plain(port("PLAIN"))) {
                assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
            }
            List<String> closes = closeLines(logged);
            assertThat(closes).hasSize(1);
            assertThat(closes.get(0)).contains("the client speaks TLS (a TLS handshake arrived) on a listener "
                    + "without TLS");
            assertThat(logged.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
        }
    }

    @Test
    void eachListenerRunsOnTheEngineAskedForAndServesAlikeOnEither() throws Exception {
        Map<String, String> values = settings();
        values.put("ssl.engine", "jdk");
        values.put("listener.name.required.ssl.engine", "auto");
        NetworkConfig network = NetworkConfig.fromMap(values);
        SecurityConfig config = SecurityConfig.fromMap(values, network);
        ServerSecurity security = ServerSecurity.create(config, null);
        SslEngine auto = OpenSsl.isAvailable() ? SslEngine.OPENSSL : SslEngine.JDK;
        assertThat(TlsContexts.engineOf(security.listener("REQUIRED").tls().orElseThrow())).isEqualTo(auto);
        assertThat(TlsContexts.engineOf(ClientSecurity.forListener(config, "REQUIRED").tls().orElseThrow()))
                .isEqualTo(auto);
        assertThat(TlsContexts.engineOf(security.listener("REQUESTED").tls().orElseThrow())).isEqualTo(SslEngine.JDK);
        assertThat(TlsContexts.engineOf(security.listener("LOGIN").tls().orElseThrow())).isEqualTo(SslEngine.JDK);
        server = KafkaServer.start(network, security, new ApiHandlers().register(new RecordingApiVersions()));
        try (Socket onAuto = tls(port("REQUIRED"), true);
             Socket onJdk = tls(port("REQUESTED"), true);
             Socket onJdkWithout = tls(port("REQUESTED"), false);
             Socket plainOnJdk = plain(port("REQUESTED"))) {
            assertThat(apiVersions(onAuto)).isEqualTo(Errors.NONE);
            assertThat(apiVersions(onJdk)).isEqualTo(Errors.NONE);
            assertThat(apiVersions(onJdkWithout)).isEqualTo(Errors.NONE);
            assertThat(RawKafkaRequests.exchangeFrame(plainOnJdk, apiVersionsFrame())).isNull();
        }
        assertThat(principals).containsExactly(new KafkaPrincipal("User", ALICE), new KafkaPrincipal("User", ALICE),
                KafkaPrincipal.ANONYMOUS);
    }

    @Test
    void openSslIsUsedWhenAskedForOrRefusedWhereItDoesNotLoadAndAnUnknownEngineIsRefused() throws Exception {
        Map<String, String> values = settings();
        values.put("ssl.engine", "OpenSSL");
        NetworkConfig network = NetworkConfig.fromMap(values);
        if (OpenSsl.isAvailable()) {
            ServerSecurity security = ServerSecurity.create(SecurityConfig.fromMap(values, network), null);
            for (String listener : List.of("REQUIRED", "REQUESTED", "LOGIN")) {
                assertThat(TlsContexts.engineOf(security.listener(listener).tls().orElseThrow()))
                        .isEqualTo(SslEngine.OPENSSL);
            }
        } else {
            assertThatThrownBy(() -> ServerSecurity.create(SecurityConfig.fromMap(values, network), null))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'ssl.engine'");
        }
        // BoringSSL offers every TLS 1.3 suite it has: a list naming only some cannot be served by it.
        Map<String, String> someTls13Suites = settings();
        someTls13Suites.put("listener.name.required.ssl.cipher.suites", "TLS_AES_256_GCM_SHA384");
        someTls13Suites.put("listener.name.required.ssl.engine", "auto");
        someTls13Suites.put("listener.name.requested.ssl.cipher.suites", "TLS_AES_256_GCM_SHA384");
        someTls13Suites.put("listener.name.requested.ssl.engine", "jdk");
        ServerSecurity onJdk = ServerSecurity.create(SecurityConfig.fromMap(someTls13Suites, network), null);
        assertThat(TlsContexts.engineOf(onJdk.listener("REQUIRED").tls().orElseThrow())).isEqualTo(SslEngine.JDK);
        assertThat(TlsContexts.engineOf(onJdk.listener("REQUESTED").tls().orElseThrow())).isEqualTo(SslEngine.JDK);
        if (OpenSsl.isAvailable()) {
            someTls13Suites.put("listener.name.requested.ssl.engine", "openssl");
            assertThatThrownBy(() -> ServerSecurity.create(SecurityConfig.fromMap(someTls13Suites, network), null))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'ssl.cipher.suites'")
                    .hasMessageContaining("listener REQUESTED").hasMessageContaining("TLS_CHACHA20_POLY1305_SHA256");
        }
        Map<String, String> unknown = settings();
        unknown.put("listener.name.requested.ssl.engine", "gnutls");
        assertThatThrownBy(() -> start(unknown)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'listener.name.requested.ssl.engine'").hasMessageContaining("auto, openssl, jdk");
    }

    @Test
    void aKeyStoreThatCannotBeReadStopsStartUpNamingItsKey() throws Exception {
        Map<String, String> wrongPassword = settings();
        wrongPassword.put("ssl.keystore.password", "not-the-password");
        assertThatThrownBy(() -> start(wrongPassword)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'ssl.keystore.location'").hasMessageContaining("listener REQUIRED")
                .hasMessageNotContaining("not-the-password");

        Map<String, String> wrongKeyPassword = settings();
        wrongKeyPassword.put("listener.name.requested.ssl.key.password", "not-the-key-password");
        assertThatThrownBy(() -> start(wrongKeyPassword)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'ssl.key.password'").hasMessageContaining("listener REQUESTED")
                .hasMessageNotContaining("not-the-key-password");

        Map<String, String> onlyACertificate = settings();
        onlyACertificate.put("listener.name.requested.ssl.keystore.location", trustStoreJks.toString());
        onlyACertificate.put("listener.name.requested.ssl.keystore.type", "JKS");
        assertThatThrownBy(() -> start(onlyACertificate)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("listener REQUESTED: the key store holds no private key");

        Map<String, String> missing = settings();
        missing.put("ssl.truststore.location", dir.resolve("nowhere.p12").toString());
        assertThatThrownBy(() -> start(missing)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'ssl.truststore.location'").hasMessageContaining("nowhere.p12");

        Map<String, String> unknownSuite = settings();
        unknownSuite.put("ssl.cipher.suites", "TLS_AES_128_GCM_SHA256,TLS_NOT_A_SUITE");
        assertThatThrownBy(() -> start(unknownSuite)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'ssl.cipher.suites'").hasMessageContaining("TLS_NOT_A_SUITE");
    }

    private static List<String> closeLines(LoggedWarnings logged) {
        return logged.lines().stream().filter(l -> l.contains(KafkaConnection.class.getName())
                && l.contains("Closing connection")).toList();
    }

    private Errors apiVersions(Socket socket) throws IOException {
        ApiVersionsResponse response = ApiVersionsResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(
                socket, new ApiVersionsRequest.Builder().build((short) 3), ++correlation)), (short) 3);
        return Errors.forCode(response.data().errorCode());
    }

    private static byte[] apiVersionsFrame() {
        java.nio.ByteBuffer frame = new ApiVersionsRequest.Builder().build((short) 3).serializeWithHeader(
                new org.apache.kafka.common.requests.RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "plain", 1));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    private static Socket plain(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** A TLS socket trusting the test authority, with alice's certificate or without any. */
    private static SSLSocket tls(int port, boolean withCertificate) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(trustStoreP12, "PKCS12"));
        KeyManagerFactory keys = null;
        if (withCertificate) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(aliceStore, "JKS"), TestCertificates.PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static KeyStore load(Path path, String type) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return store;
    }

    /** ApiVersions that records the principal of each request. */
    private final class RecordingApiVersions implements ApiHandler<ApiVersionsRequest> {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.API_VERSIONS;
        }

        @Override
        public short maxVersion() {
            return 3;
        }

        @Override
        public CompletableFuture<AbstractResponse> handle(RequestContext context, ApiVersionsRequest request) {
            principals.add(context.principal());
            return CompletableFuture.completedFuture(new ApiVersionsResponse(new ApiVersionsResponseData()
                    .setErrorCode(Errors.NONE.code())));
        }
    }
}
