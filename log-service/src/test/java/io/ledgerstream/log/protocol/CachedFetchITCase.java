package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.TestCertificates;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records produced with kafka-clients come back byte for byte when consumed right after, through a plaintext and a
 * TLS listener: the fetches are answered from the off-heap tail cache, whose buffers go to the socket (or through
 * the TLS engine) as they are. Netty's leak detector (PARANOID in this module's tests) checks that every buffer a
 * fetch held was released.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CachedFetchITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RECORDS = 400;

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static Map<String, String> tls;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir.resolve("ca"));
        Path brokerStore = certificates.keyStore("broker", "CN=broker,O=Ledgerstream", "PKCS12");
        Path trustStore = certificates.trustStore("PKCS12");
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
        settings.put("ssl.keystore.location", brokerStore.toString());
        settings.put("ssl.keystore.password", TestCertificates.PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        local = LocalBroker.start(dir.resolve("broker").toFile(), settings);
        tls = Map.of("security.protocol", "SSL", "ssl.truststore.location", trustStore.toString(),
                "ssl.truststore.password", TestCertificates.PASSWORD, "ssl.truststore.type", "PKCS12");
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

    @Test
    void recordsProducedOverPlaintextComeBackByteForByteOverBothListeners() throws Exception {
        List<byte[]> sent = produce(bootstrap("PLAINTEXT"), Map.of(), "cached-plain", 1);
        assertThat(consume(bootstrap("PLAINTEXT"), Map.of(), "cached-plain")).containsExactlyElementsOf(sent);
        assertThat(consume(bootstrap("SSL"), tls, "cached-plain")).containsExactlyElementsOf(sent);
    }

    @Test
    void recordsProducedOverTlsComeBackByteForByteOverTls() throws Exception {
        List<byte[]> sent = produce(bootstrap("SSL"), tls, "cached-tls", 2);
        assertThat(consume(bootstrap("SSL"), tls, "cached-tls")).containsExactlyElementsOf(sent);
    }

    /** Sends records of random bytes and sizes (some over a TLS record, 16 KiB) in batches of several. */
    private static List<byte[]> produce(String bootstrap, Map<String, String> security, String topic, long seed)
            throws Exception {
        try (Admin admin = TestClients.admin(bootstrap, security)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        Random random = new Random(seed);
        List<byte[]> values = new ArrayList<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.putAll(security);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] value = new byte[i % 50 == 0 ? 20_000 + random.nextInt(10_000) : 1 + random.nextInt(2_000)];
                random.nextBytes(value);
                values.add(value);
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
        return values;
    }

    /** Reads the topic's one partition from its start until every record sent arrived, or the wait ends. */
    private static List<byte[]> consume(String bootstrap, Map<String, String> security, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
        p.putAll(security);
        List<byte[]> read = new ArrayList<>();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    assertThat(r.offset()).isEqualTo(read.size());
                    read.add(r.value());
                }
            }
        }
        return read;
    }
}
