package io.ledgerstream.bench.failover;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer of the fault measurements: idempotent, acks=all, and patient enough (five minutes) to ride out a
 * failover without giving up on a record.
 */
final class PatientProducer {
    private PatientProducer() {
    }

    static KafkaProducer<String, String> create(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
