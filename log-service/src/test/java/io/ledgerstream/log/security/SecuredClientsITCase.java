package io.ledgerstream.log.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.ScramCredentialStore;
import io.ledgerstream.log.metadata.UserScramCredentials;
import io.ledgerstream.log.metadata.Versioned;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.KafkaTool;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.TestCertificates;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.ledgerstream.log.testing.RawKafkaRequests;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own clients and tools against one broker serving four listeners at once: PLAINTEXT, SASL_SSL with
 * SCRAM-SHA-512 and SCRAM-SHA-256, SASL_PLAINTEXT with PLAIN, and SSL requiring client certificates (mutual TLS).
 * Producers, consumers in a group and admin clients work over each; SCRAM users made with {@code kafka-configs} log
 * in, and no longer once deleted; kcat logs in with PLAIN and, run with a librdkafka of 2.6.1 or later, with
 * SCRAM-SHA-512 over SASL_SSL.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecuredClientsITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CAROL_PASSWORD = "carol-secret";
    /** A folder with a librdkafka.so.1 of 2.6.1 or later for kcat to run with; .ci/librdkafka.sh builds one. */
    private static final String NEWER_LIBRDKAFKA = "LEDGERSTREAM_KCAT_LIBRDKAFKA";
    /** No environment added to kcat's: it runs with the system's librdkafka. */
    private static final Map<String, String> SYSTEM = Map.of();

    @TempDir
    static Path dir;
    private static TestCertificates certificates;
    private static Path clientStore;
    private static Path trustStore;
    private static LocalBroker local;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(dir.resolve("ca"));
        Path brokerStore = certificates.keyStore("broker", "CN=broker,O=Ledgerstream", "PKCS12");
        clientStore = certificates.keyStore("client", "CN=client,O=Ledgerstream", "PKCS12");
        trustStore = certificates.trustStore("PKCS12");
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,"
                + "SSL://127.0.0.1:0");
        settings.put("ssl.keystore.location", brokerStore.toString());
        settings.put("ssl.keystore.password", TestCertificates.PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.truststore.location", trustStore.toString());
        settings.put("ssl.truststore.password", TestCertificates.PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("listener.name.ssl.ssl.client.auth", "required");
        settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256");
        settings.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
        settings.put("sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";");
        settings.put("group.initial.rebalance.delay.ms", "0");
        local = LocalBroker.start(dir.resolve("broker").toFile(), settings);
        // The first SCRAM user is made over PLAINTEXT, as a Kafka cluster's first one is made before SASL works.
        try (Admin admin = TestClients.admin(bootstrap("PLAINTEXT"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), CAROL_PASSWORD)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static String bootstrap(String listener) {
        return "127.0.0.1:" + local.broker().kafkaPort(listener);
    }

    private static Map<String, String> trusting() {
        return Map.of("ssl.truststore.location", trustStore.toString(),
                "ssl.truststore.password", TestCertificates.PASSWORD, "ssl.truststore.type", "PKCS12");
    }

    private static Map<String, String> scram(String mechanism, String user, String password) {
        Map<String, String> settings = new HashMap<>(trusting());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", mechanism);
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    private static Map<String, String> mutualTls() {
        Map<String, String> settings = new HashMap<>(trusting());
        settings.put("security.protocol", "SSL");
        settings.put("ssl.keystore.location", clientStore.toString());
        settings.put("ssl.keystore.password", TestCertificates.PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        return settings;
    }

    @Test
    void scramSha512OverSaslSslProducesConsumesInAGroupAndAdministersNextToPlaintext() throws Exception {
        Map<String, String> carol = scram("SCRAM-SHA-512", "carol", CAROL_PASSWORD);
        roundTrip(bootstrap("SASL_SSL"), carol, "scram-topic");
        try (Admin admin = TestClients.admin(bootstrap("SASL_SSL"), carol)) {
            UserScramCredentialsDescription described = admin.describeUserScramCredentials(List.of("carol"))
                    .description("carol").get(30, TimeUnit.SECONDS);
            assertThat(described.credentialInfos()).extracting(ScramCredentialInfo::mechanism,
                    ScramCredentialInfo::iterations).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(ScramMechanism.SCRAM_SHA_512, 8192));
        }
        // The same records, read at once through the PLAINTEXT listener of the same broker.
        assertThat(readAll(bootstrap("PLAINTEXT"), Map.of(), "scram-topic", 10)).hasSize(10);
        assertThatThrownBy(() -> describeCluster(bootstrap("SASL_SSL"), scram("SCRAM-SHA-512", "carol", "wrong")))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void plainOverSaslPlaintextWithTheUsersOfTheJaasEntry() throws Exception {
        Map<String, String> alice = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"alice\" password=\"alice-secret\";");
        roundTrip(bootstrap("SASL_PLAINTEXT"), alice, "plain-topic");
    }

    @Test
    void mutualTlsServesClientsWithACertificateAndRefusesThoseWithout() throws Exception {
        roundTrip(bootstrap("SSL"), mutualTls(), "tls-topic");
        Map<String, String> noCertificate = new HashMap<>(trusting());
        noCertificate.put("security.protocol", "SSL");
        assertThatThrownBy(() -> describeCluster(bootstrap("SSL"), noCertificate))
                .satisfies(e -> assertThat(causes(e)).anyMatch(SslAuthenticationException.class::isInstance));
    }

    @Test
    void scramUsersMadeWithKafkaConfigsLogInAndNoLongerOnceDeleted() throws Exception {
        Path commandConfig = dir.resolve("carol.properties");
        Properties carol = new Properties();
        carol.putAll(scram("SCRAM-SHA-512", "carol", CAROL_PASSWORD));
        try (var out = Files.newBufferedWriter(commandConfig)) {
            carol.store(out, null);
        }
        try (ScramCredentialCache watching = ScramCredentialCache.start(new MetadataStore(
                local.broker().zookeeper(), local.broker().config().metadataRoot()))) {
            // Both mechanisms in one call are two alterations of dave in one request, which Kafka 4.1 refuses.
            assertThatThrownBy(() -> configs("--bootstrap-server", bootstrap("PLAINTEXT"), "--alter",
                    "--entity-type", "users", "--entity-name", "dave", "--add-config",
                    "SCRAM-SHA-256=[iterations=8192,password=dave-secret],SCRAM-SHA-512=[password=dave-secret]"))
                    .hasMessageContaining("A user credential cannot be altered twice in the same request");
            assertThat(configs("--bootstrap-server", bootstrap("PLAINTEXT"), "--alter", "--entity-type", "users",
                    "--entity-name", "dave", "--add-config", "SCRAM-SHA-256=[iterations=8192,password=dave-secret]"))
                    .contains("Completed updating config for user dave.");
            assertThat(configs("--bootstrap-server", bootstrap("PLAINTEXT"), "--alter", "--entity-type", "users",
                    "--entity-name", "dave", "--add-config", "SCRAM-SHA-512=[password=dave-secret]"))
                    .contains("Completed updating config for user dave.");
            // Every broker's cache follows ZooKeeper: a watch sees the new user within a second.
            Await.until("dave's credentials seen through a watch", Duration.ofSeconds(1),
                    () -> watching.credentials("SCRAM-SHA-256").get("dave") != null);
            assertThat(configs("--bootstrap-server", bootstrap("SASL_SSL"), "--command-config",
                    commandConfig.toString(), "--describe", "--entity-type", "users", "--entity-name", "dave"))
                    .contains("SCRAM credential configs for user-principal 'dave' are SCRAM-SHA-256=iterations=8192, "
                            + "SCRAM-SHA-512=iterations=4096");
            describeCluster(bootstrap("SASL_SSL"), scram("SCRAM-SHA-256", "dave", "dave-secret"));
            describeCluster(bootstrap("SASL_SSL"), scram("SCRAM-SHA-512", "dave", "dave-secret"));

            assertThat(configs("--bootstrap-server", bootstrap("SASL_SSL"), "--command-config",
                    commandConfig.toString(), "--alter", "--entity-type", "users", "--entity-name", "dave",
                    "--delete-config", "SCRAM-SHA-256")).contains("Completed updating config for user dave.");
            Await.until("dave's SCRAM-SHA-256 credential gone through a watch", Duration.ofSeconds(1),
                    () -> watching.credentials("SCRAM-SHA-256").get("dave") == null);
            assertThatThrownBy(() -> describeCluster(bootstrap("SASL_SSL"),
                    scram("SCRAM-SHA-256", "dave", "dave-secret")))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            describeCluster(bootstrap("SASL_SSL"), scram("SCRAM-SHA-512", "dave", "dave-secret"));

            configs("--bootstrap-server", bootstrap("PLAINTEXT"), "--alter", "--entity-type", "users",
                    "--entity-name", "dave", "--delete-config", "SCRAM-SHA-512");
            Await.until("dave gone through a watch", Duration.ofSeconds(1),
                    () -> watching.credentials("SCRAM-SHA-512").get("dave") == null);
            assertThatThrownBy(() -> describeCluster(bootstrap("SASL_SSL"),
                    scram("SCRAM-SHA-512", "dave", "dave-secret")))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            // kafka-configs lists only the users described without error: dave is not among them.
            assertThat(configs("--bootstrap-server", bootstrap("PLAINTEXT"), "--describe", "--entity-type",
                    "users", "--entity-name", "dave")).doesNotContain("dave");
            try (Admin admin = TestClients.admin(bootstrap("PLAINTEXT"))) {
                assertThatThrownBy(() -> admin.describeUserScramCredentials(List.of("dave")).description("dave")
                        .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ResourceNotFoundException.class)
                        .hasMessageContaining("Attempt to describe a user credential that does not exist: dave");
            }
            assertThat(configs("--bootstrap-server", bootstrap("PLAINTEXT"), "--describe", "--entity-type", "users"))
                    .contains("SCRAM credential configs for user-principal 'carol' are SCRAM-SHA-512=iterations=8192")
                    .doesNotContain("'dave'");
        }
    }

    /**
     * A user whose last credential is removed keeps its node, empty: its version goes on, so a compare-and-set read
     * before the removal cannot overwrite credentials made after it (a deleted and re-created node would start its
     * version again at 0). The emptied user logs nobody in and is described as Kafka describes a user without any.
     */
    @Test
    void aUserEmptiedOfCredentialsKeepsItsNodeSoAStaleWriteCannotOverwriteNewerOnes() throws Exception {
        MetadataStore metadata = new MetadataStore(local.broker().zookeeper(),
                local.broker().config().metadataRoot());
        ScramCredentialStore store = metadata.scramCredentials();
        try (Admin admin = TestClients.admin(bootstrap("PLAINTEXT"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("erin",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "erin-secret")))
                    .all().get(30, TimeUnit.SECONDS);
            Versioned<UserScramCredentials> stale = store.read("erin").get(30, TimeUnit.SECONDS);
            assertThat(stale.version()).isZero();

            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("erin",
                    ScramMechanism.SCRAM_SHA_512))).all().get(30, TimeUnit.SECONDS);
            Versioned<UserScramCredentials> emptied = store.read("erin").get(30, TimeUnit.SECONDS);
            assertThat(emptied.value().isEmpty()).isTrue();
            assertThat(emptied.version()).as("the emptied node is kept, one version on").isEqualTo(1);
            assertThat(store.users().get(30, TimeUnit.SECONDS)).contains("erin");
            assertThatThrownBy(() -> admin.describeUserScramCredentials(List.of("erin")).description("erin")
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("Attempt to describe a user credential that does not exist: erin");
            assertThat(admin.describeUserScramCredentials().users().get(30, TimeUnit.SECONDS))
                    .doesNotContain("erin");
            Await.until("erin refused once the broker's watch saw the removal", WAIT,
                    () -> !logsIn(scram("SCRAM-SHA-512", "erin", "erin-secret")));

            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("erin",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "erin-newer")))
                    .all().get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> store.write("erin", stale.value(), stale.version()).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(MetadataConflictException.class);
            assertThat(store.read("erin").get(30, TimeUnit.SECONDS).value().byMechanism())
                    .containsOnlyKeys("SCRAM-SHA-256");
            Await.until("erin's newer credential logs in", WAIT,
                    () -> logsIn(scram("SCRAM-SHA-256", "erin", "erin-newer")));
        }
    }

    /** Whether a client with these settings logs in on the SASL_SSL listener (a failed login is a refusal). */
    private static boolean logsIn(Map<String, String> security) {
        try {
            describeCluster(bootstrap("SASL_SSL"), security);
            return true;
        } catch (Exception e) {
            if (causes(e).stream().anyMatch(SaslAuthenticationException.class::isInstance)) {
                return false;
            }
            throw new AssertionError("Neither logged in nor refused", e);
        }
    }

    @Test
    void badScramAlterationsAreRefusedPerUserWithKafkasErrors() throws Exception {
        try (Admin admin = TestClients.admin(bootstrap("PLAINTEXT"))) {
            var result = admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("few", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            1000), "secret"),
                    new UserScramCredentialUpsertion("many", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            20_000), "secret"),
                    new UserScramCredentialDeletion("nobody", ScramMechanism.SCRAM_SHA_512),
                    new UserScramCredentialUpsertion("twice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "secret"),
                    new UserScramCredentialUpsertion("twice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "other"),
                    new UserScramCredentialUpsertion("fine", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "secret"),
                    new UserScramCredentialUpsertion("both", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "secret"),
                    new UserScramCredentialUpsertion("both", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                            4096), "secret"),
                    new UserScramCredentialDeletion("ghost", ScramMechanism.SCRAM_SHA_256),
                    new UserScramCredentialUpsertion("ghost", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "secret")));
            assertThat(result.values().get("fine").toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)).isNull();
            assertRefused(result.values().get("both"), DuplicateResourceException.class,
                    "A user credential cannot be altered twice in the same request");
            // As Kafka: the deletion of a credential ghost does not have fails first, and that failure stands.
            assertRefused(result.values().get("ghost"), ResourceNotFoundException.class,
                    "Attempt to delete a user credential that does not exist");
            assertRefused(result.values().get("few"), UnacceptableCredentialException.class, "Too few iterations");
            assertRefused(result.values().get("many"), UnacceptableCredentialException.class, "Too many iterations");
            assertRefused(result.values().get("nobody"), ResourceNotFoundException.class,
                    "Attempt to delete a user credential that does not exist");
            assertRefused(result.values().get("twice"), DuplicateResourceException.class,
                    "A user credential cannot be altered twice in the same request");
            assertThat(admin.describeUserScramCredentials(List.of("few", "many", "twice", "fine", "both", "ghost"))
                    .users().get(30, TimeUnit.SECONDS)).containsExactly("fine");

            // A deletion and an upsertion of one user: refused as a whole, the stored credential left as it was.
            var swap = admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialDeletion("fine", ScramMechanism.SCRAM_SHA_256),
                    new UserScramCredentialUpsertion("fine", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                            8192), "other")));
            assertRefused(swap.values().get("fine"), DuplicateResourceException.class,
                    "A user credential cannot be altered twice in the same request");
            assertThat(admin.describeUserScramCredentials(List.of("fine")).description("fine")
                    .get(30, TimeUnit.SECONDS).credentialInfos()).extracting(ScramCredentialInfo::mechanism)
                    .containsExactly(ScramMechanism.SCRAM_SHA_256);
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", local.broker().kafkaPort("PLAINTEXT"))) {
            socket.setSoTimeout(30_000);
            AlterUserScramCredentialsRequestData unknown = new AlterUserScramCredentialsRequestData();
            unknown.upsertions().add(new AlterUserScramCredentialsRequestData.ScramCredentialUpsertion()
                    .setName("odd").setMechanism((byte) 9).setIterations(4096).setSalt(new byte[] {1})
                    .setSaltedPassword(new byte[] {2}));
            unknown.upsertions().add(new AlterUserScramCredentialsRequestData.ScramCredentialUpsertion()
                    .setName("").setMechanism((byte) 1).setIterations(4096).setSalt(new byte[] {1})
                    .setSaltedPassword(new byte[] {2}));
            AlterUserScramCredentialsResponseData answer = new AlterUserScramCredentialsResponseData(
                    new ByteBufferAccessor(RawKafkaRequests.exchange(socket,
                            new AlterUserScramCredentialsRequest.Builder(unknown).build((short) 0), 1)), (short) 0);
            assertThat(answer.results()).extracting(r -> r.user(), r -> Errors.forCode(r.errorCode()),
                    r -> r.errorMessage()).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("odd", Errors.UNSUPPORTED_SASL_MECHANISM,
                            "Unknown SCRAM mechanism"),
                    org.assertj.core.groups.Tuple.tuple("", Errors.UNACCEPTABLE_CREDENTIAL,
                            "Username must not be empty"));
        }
    }

    private static void assertRefused(org.apache.kafka.common.KafkaFuture<Void> future,
                                      Class<? extends Throwable> error, String message) {
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(error)
                .hasMessageContaining(message);
    }

    /**
     * kcat over SASL_SSL: with PLAIN it produces and consumes. With SCRAM-SHA-512 it logs in only from librdkafka
     * 2.6.1 on: older ones send the client nonce twice in their final SCRAM message, which Kafka 4's SCRAM server
     * (kafka-clients', served here too) refuses since the fix of CVE-2024-56128, so kcat fails against us exactly as
     * against Apache Kafka 4.1.
     */
    @Test
    void kcatProducesAndConsumesOverSaslSsl() throws Exception {
        // CI installs kcat (.ci/run sets LEDGERSTREAM_REQUIRE_KCAT); elsewhere the test needs it on the PATH.
        assumeTrue(kcatInstalled() || System.getenv("LEDGERSTREAM_REQUIRE_KCAT") != null, "kcat is not installed");
        try (Admin admin = TestClients.admin(bootstrap("PLAINTEXT"))) {
            admin.createTopics(List.of(new NewTopic("kcat-secured", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        List<String> plain = List.of("-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=alice",
                "-X", "sasl.password=alice-secret");
        kcat(SYSTEM, plain, "first\nsecond\nthird\n", "-P", "-t", "kcat-secured", "-p", "0");
        assertThat(kcat(SYSTEM, plain, "", "-C", "-t", "kcat-secured", "-p", "0", "-o", "beginning", "-e", "-q", "-f",
                "%o %s\\n").lines().toList()).containsExactly("0 first", "1 second", "2 third");
        assertThat(readAll(bootstrap("SASL_SSL"), scram("SCRAM-SHA-512", "carol", CAROL_PASSWORD), "kcat-secured", 3))
                .containsExactly("first", "second", "third");

        List<String> scram = List.of("-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=carol",
                "-X", "sasl.password=" + CAROL_PASSWORD);
        List<String> metadata = List.of("-L", "-t", "kcat-secured", "-m", "10");
        if (librdkafkaAtLeast(SYSTEM, 2, 6, 1)) {
            assertThat(kcat(SYSTEM, scram, "", metadata.toArray(String[]::new))).contains("topic \"kcat-secured\"");
        } else {
            Run refused = run(SYSTEM, scram, "", metadata);
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("SASL authentication error: Authentication failed during "
                    + "authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
        }
    }

    /**
     * kcat run with a librdkafka of 2.6.1 or later (from {@value #NEWER_LIBRDKAFKA}) produces and consumes over
     * SASL_SSL with SCRAM-SHA-512, a SCRAM user's records that Kafka's own consumer reads too. CI builds that
     * librdkafka (.ci/librdkafka.sh), so there the test must run; elsewhere it needs the variable set.
     */
    @Test
    void kcatWithANewerLibrdkafkaProducesAndConsumesOverSaslSslWithScramSha512() throws Exception {
        String folder = System.getenv(NEWER_LIBRDKAFKA);
        if (System.getenv("LEDGERSTREAM_REQUIRE_KCAT") != null) {
            assertThat(folder).as("%s (set by .ci/run from .ci/librdkafka.sh)", NEWER_LIBRDKAFKA).isNotBlank();
        }
        assumeTrue(folder != null && !folder.isBlank(), NEWER_LIBRDKAFKA + " is not set");
        Map<String, String> newer = Map.of("LD_LIBRARY_PATH", folder);
        assertThat(librdkafkaAtLeast(newer, 2, 6, 1)).as("kcat's librdkafka with %s=%s", NEWER_LIBRDKAFKA, folder)
                .isTrue();
        try (Admin admin = TestClients.admin(bootstrap("PLAINTEXT"))) {
            admin.createTopics(List.of(new NewTopic("kcat-scram", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        List<String> carol = List.of("-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=carol",
                "-X", "sasl.password=" + CAROL_PASSWORD);
        kcat(newer, carol, "one\ntwo\nthree\n", "-P", "-t", "kcat-scram", "-p", "0");
        assertThat(kcat(newer, carol, "", "-C", "-t", "kcat-scram", "-p", "0", "-o", "beginning", "-e", "-q", "-f",
                "%o %s\\n").lines().toList()).containsExactly("0 one", "1 two", "2 three");
        assertThat(readAll(bootstrap("SASL_SSL"), scram("SCRAM-SHA-512", "carol", CAROL_PASSWORD), "kcat-scram", 3))
                .containsExactly("one", "two", "three");

        Run wrong = run(newer, List.of("-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=carol",
                "-X", "sasl.password=wrong"), "", List.of("-L", "-t", "kcat-scram", "-m", "10"));
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("SASL authentication error: Authentication failed during authentication "
                + "due to invalid credentials with SASL mechanism SCRAM-SHA-512");
    }

    /** Creates a topic, produces ten records and reads them back in a consumer group, all through one listener. */
    private static void roundTrip(String bootstrap, Map<String, String> security, String topic) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap, security)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, security)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, String> grouped = new HashMap<>(security);
        grouped.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-group");
        grouped.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap, grouped)) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < 10 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
            }
            assertThat(values).hasSize(10);
            consumer.commitSync(Duration.ofSeconds(30));
            assertThat(consumer.committed(consumer.assignment(), Duration.ofSeconds(30)).values())
                    .allSatisfy(offset -> assertThat(offset).isNotNull());
        }
    }

    private static List<String> readAll(String bootstrap, Map<String, String> security, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap, security)) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    private static void describeCluster(String bootstrap, Map<String, String> security) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap, security)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static String configs(String... args) throws Exception {
        return KafkaTool.run("", () -> ConfigCommand.main(args));
    }

    private static boolean kcatInstalled() {
        try {
            return new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether kcat's librdkafka, in this environment, is at least this version ({@code kcat -V} names it). */
    private static boolean librdkafkaAtLeast(Map<String, String> environment, int major, int minor, int patch)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder("kcat", "-V").redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("librdkafka (\\d+)\\.(\\d+)\\.(\\d+)")
                .matcher(out);
        assertThat(version.find()).as("librdkafka's version in %s", out).isTrue();
        int[] found = {Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2)),
                Integer.parseInt(version.group(3))};
        int[] wanted = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (found[i] != wanted[i]) {
                return found[i] > wanted[i];
            }
        }
        return true;
    }

    private record Run(int exitCode, String out, String err) {
    }

    /**
     * kcat over SASL_SSL, trusting the test authority, with the login options given; must exit 0. The environment
     * added to kcat's own chooses its librdkafka ({@code LD_LIBRARY_PATH}), none for the system's.
     */
    private static String kcat(Map<String, String> environment, List<String> login, String stdin, String... args)
            throws Exception {
        Run run = run(environment, login, stdin, List.of(args));
        assertThat(run.exitCode()).as("kcat %s exit code; stderr: %s", List.of(args), run.err()).isZero();
        return run.out();
    }

    private static Run run(Map<String, String> environment, List<String> login, String stdin, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", bootstrap("SASL_SSL"),
                "-X", "security.protocol=SASL_SSL", "-X", "ssl.ca.location=" + certificates.caPem()));
        command.addAll(login);
        command.addAll(args);
        Path err = Files.createTempFile(dir, "kcat", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
        return new Run(process.exitValue(), out, Files.readString(err));
    }
}
