package io.ledgerstream.log.storage.bookkeeper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.BookKeeperTls;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieTls;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.TestCertificates;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bookies that serve BookKeeper's TLS and authorize only the role in the brokers' certificates, and a broker
 * whose BookKeeper client speaks TLS to them ({@code bookkeeper.tls.*}): produce and consume work, while a BookKeeper
 * client without TLS, or with a certificate of another role, cannot write a ledger.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BookKeeperTlsITCase {
    private static final String ROLE = "ledgerstream-broker";

    @TempDir
    static Path dir;
    private static Path trustStore;
    private static Path passwordFile;
    private static Path brokerStore;
    private static Path otherStore;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir.resolve("ca"));
        Path bookieStore = certificates.keyStore("bookie", "CN=bookie,OU=0:bookie,O=Ledgerstream", "PKCS12");
        brokerStore = certificates.keyStore("broker", "CN=broker,OU=0:" + ROLE + ",O=Ledgerstream", "PKCS12");
        otherStore = certificates.keyStore("other", "CN=other,OU=0:someone-else,O=Ledgerstream", "PKCS12");
        trustStore = certificates.trustStore("PKCS12");
        // BookKeeper takes a password file's whole content, a final line break included.
        passwordFile = Files.writeString(dir.resolve("store-password"), TestCertificates.PASSWORD);
        BookieTls bookieTls = new BookieTls(tls(bookieStore), List.of(ROLE));
        cluster = LocalCluster.start(LocalBookKeeperCluster.start(dir.resolve("cluster").toFile(), 3, bookieTls), 1,
                Map.of("bookkeeper.tls.enabled", "true",
                        "bookkeeper.tls.keystore.location", brokerStore.toString(),
                        "bookkeeper.tls.keystore.password.file", passwordFile.toString(),
                        "bookkeeper.tls.truststore.location", trustStore.toString(),
                        "bookkeeper.tls.truststore.password.file", passwordFile.toString()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static BookKeeperTls tls(Path keyStore) {
        return BookKeeperTls.of(Optional.of(keyStore), "PKCS12", Optional.of(passwordFile), Optional.of(trustStore),
                "PKCS12",
                Optional.of(passwordFile), true);
    }

    @Test
    void producersAndConsumersWorkThroughABrokerSpeakingTlsToTheBookies() throws Exception {
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(cluster.bootstrap(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("secured", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, String>> read = TestClients.readFromStart(cluster.bootstrap(),
                new TopicPartition("secured", 0), 20, Duration.ofSeconds(30));
        assertThat(read).extracting(ConsumerRecord::value).hasSize(20).startsWith("v0").endsWith("v19");
    }

    @Test
    void aClientWithTheBrokersRoleWrites() throws Exception {
        ClientConfiguration conf = client();
        BookKeeperTlsSettings.apply(tls(brokerStore), conf);
        conf.setTLSClientAuthentication(true);
        try (BookKeeper bookKeeper = BookKeeper.newBuilder(conf).build();
             WriteHandle ledger = create(bookKeeper)) {
            assertThat(ledger.appendAsync("entry".getBytes(UTF_8)).get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aClientWithoutTlsCannotWrite() throws Exception {
        try (BookKeeper bookKeeper = BookKeeper.newBuilder(client()).build();
             WriteHandle ledger = create(bookKeeper)) {
            assertThatThrownBy(() -> ledger.appendAsync("entry".getBytes(UTF_8)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BKException.BKUnauthorizedAccessException.class);
        }
    }

    @Test
    void aClientWithACertificateOfAnotherRoleCannotWrite() throws Exception {
        ClientConfiguration conf = client();
        BookKeeperTlsSettings.apply(tls(otherStore), conf);
        conf.setTLSClientAuthentication(true);
        try (BookKeeper bookKeeper = BookKeeper.newBuilder(conf).build();
             WriteHandle ledger = create(bookKeeper)) {
            assertThatThrownBy(() -> ledger.appendAsync("entry".getBytes(UTF_8)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BKException.class);
        }
    }

    private static ClientConfiguration client() {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(cluster.broker(0).config().bookkeeperMetadataUri());
        conf.setAddEntryTimeout(10);
        return conf;
    }

    private static WriteHandle create(BookKeeper bookKeeper) throws Exception {
        return bookKeeper.newCreateLedgerOp().withEnsembleSize(3).withWriteQuorumSize(3).withAckQuorumSize(3)
                .withDigestType(DigestType.CRC32C).withPassword(new byte[0]).execute().get(30, TimeUnit.SECONDS);
    }
}
