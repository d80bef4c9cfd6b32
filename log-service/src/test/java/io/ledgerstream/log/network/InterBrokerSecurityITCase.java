package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.LoggedWarnings;
import io.ledgerstream.log.testing.TestCertificates;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers whose inter-broker listener is secured: SASL_SSL with SCRAM-SHA-512 (the brokers' own user stored in
 * ZooKeeper like any other), or SSL with client certificates required. Clients use a PLAINTEXT listener; a
 * transaction over partitions led by both brokers needs the brokers to reach each other (producer verification and
 * commit markers), so every record read with read_committed means every inter-broker call went through.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InterBrokerSecurityITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RECORDS = 40;

    @TempDir
    static Path certificatesDir;
    @TempDir
    Path dir;
    private static Map<String, String> tls;
    private LocalCluster cluster;

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCertificates certificates = TestCertificates.create(certificatesDir);
        Path broker = certificates.keyStore("broker", "CN=broker,O=Ledgerstream", "PKCS12");
        Path trust = certificates.trustStore("PKCS12");
        tls = Map.of("ssl.keystore.location", broker.toString(), "ssl.keystore.password", TestCertificates.PASSWORD,
                "ssl.keystore.type", "PKCS12", "ssl.truststore.location", trust.toString(),
                "ssl.truststore.password", TestCertificates.PASSWORD, "ssl.truststore.type", "PKCS12");
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, String> settings(String internalProtocol) {
        Map<String, String> settings = new HashMap<>(tls);
        settings.put("listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0");
        settings.put("listener.security.protocol.map", "INTERNAL:" + internalProtocol + ",EXTERNAL:PLAINTEXT");
        settings.put("inter.broker.listener.name", "INTERNAL");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("leader.balance.delay.ms", "0");
        settings.put("offsets.topic.num.partitions", "4");
        settings.put("transaction.state.log.num.partitions", "4");
        return settings;
    }

    @Test
    void brokersLogInToEachOtherWithScramOverSaslSsl() throws Exception {
        Map<String, String> settings = settings("SASL_SSL");
        settings.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        settings.put("listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        settings.put("listener.name.internal.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" "
                        + "password=\"broker-secret\";");
        cluster = LocalCluster.start(dir.toFile(), 2, 3, settings);
        // As in Kafka, the brokers' SCRAM user is made before they talk to each other.
        try (Admin admin = TestClients.admin(bootstrap())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("broker",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "broker-secret")))
                    .all().get(30, TimeUnit.SECONDS);
        }
        transactionOverBothBrokers("scram-internal");
    }

    @Test
    void brokersPresentTheirCertificatesToEachOtherOverMutualTls() throws Exception {
        Map<String, String> settings = settings("SSL");
        settings.put("listener.name.internal.ssl.client.auth", "required");
        cluster = LocalCluster.start(dir.toFile(), 2, 3, settings);
        transactionOverBothBrokers("tls-internal");
    }

    private String bootstrap() {
        return cluster.running().stream().map(id -> "127.0.0.1:" + cluster.broker(id).kafkaPort("EXTERNAL"))
                .collect(Collectors.joining(","));
    }

    /**
     * A transaction over four partitions led by both brokers: the leader that is not the transaction's coordinator
     * verifies the producer with it, and is sent its commit marker by it, over the inter-broker listener.
     */
    private void transactionOverBothBrokers(String topic) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        Await.until("the partitions of " + topic + " led by both brokers", WAIT, () -> {
            ClusterView view = cluster.broker(0).cluster();
            return view.leaders(topic).map(l -> l.partitions().stream().map(PartitionLeaders.Leader::brokerId)
                    .distinct().count() == 2).orElse(false);
        });
        try (LoggedWarnings warnings = LoggedWarnings.start()) {
            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap(),
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-txn"))) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i));
                }
                producer.commitTransaction();
            }
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap(),
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
                List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                        new TopicPartition(topic, 2), new TopicPartition(topic, 3));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (read.size() < RECORDS && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                }
            }
            assertThat(read).hasSize(RECORDS);
            assertThat(warnings.lines()).noneMatch(l -> l.contains("BrokerClient") || l.contains("Transaction"));
        }
    }
}
