package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kafka-clients' default (idempotent) producer across a broker restart: no duplicate, no gap, in order. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdempotentProducerITCase {
    @TempDir
    Path dir;

    @Test
    void aBrokerRestartInTheMiddleOfAnIdempotentStreamLeavesNoDuplicatesAndNoGaps() throws Exception {
        int port = FreePorts.consecutive(1);
        try (LocalBookKeeperCluster cluster = LocalBookKeeperCluster.start(dir.toFile(), 3)) {
            BrokerConfig config = cluster.brokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port));
            Broker broker = Broker.start(config, Clock.systemUTC());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
            p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
            p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
            int count = 4000;
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < count; i++) {
                    sends.add(producer.send(new ProducerRecord<>("idempotent", 0, "k", Integer.toString(i))));
                    if (i == count / 2) {
                        sends.get(i / 2).get(30, TimeUnit.SECONDS);
                        broker.close();
                        broker = Broker.start(config, Clock.systemUTC());
                    }
                }
                for (Future<RecordMetadata> send : sends) {
                    send.get(120, TimeUnit.SECONDS);
                }
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
            List<String> values = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("idempotent", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (values.size() < count && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        values.add(r.value());
                        offsets.add(r.offset());
                    }
                }
                assertThat(consumer.endOffsets(List.of(tp)).get(tp)).as("nothing beyond the records sent")
                        .isEqualTo(count);
            } finally {
                broker.close();
            }
            assertThat(values).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, count).mapToObj(Integer::toString).toList());
            assertThat(offsets).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, count).boxed().toList());
        }
    }
}
