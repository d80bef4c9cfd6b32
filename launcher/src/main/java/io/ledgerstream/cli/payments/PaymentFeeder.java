package io.ledgerstream.cli.payments;

import io.ledgerstream.jobs.kafka.ClientConfig;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJson;
import io.ledgerstream.jobs.payments.SamplePayments;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Feeds sample payments to the payments topic with an idempotent, acks=all producer, keyed by customer, at a
 * given rate, on a thread of its own. {@link #acknowledged()} counts what the broker has confirmed.
 *
 * <p>Thread-safe: each feed runs on its own thread with its own producer, and the acknowledged count is atomic.
 */
final class PaymentFeeder {
    private final String bootstrap;
    private final ClientConfig client;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();

    PaymentFeeder(String bootstrap, ClientConfig client, String topic) {
        this.bootstrap = bootstrap;
        this.client = client;
        this.topic = topic;
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /**
     * Starts feeding {@code count} payments at {@code perSecond} (0: as fast as the broker takes them).
     *
     * @return completes when every payment sent is acknowledged, or fails with the first send that failed
     */
    CompletableFuture<Long> start(SamplePayments payments, long count, int perSecond, BooleanSupplier stop) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client.over(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "5")), new ByteArraySerializer(), new ByteArraySerializer())) {
                long start = System.nanoTime();
                for (long sent = 0; sent < count && !stop.getAsBoolean() && !done.isDone(); sent++) {
                    if (perSecond > 0) {
                        long due = start + sent * 1_000_000_000L / perSecond;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    Payment p = payments.next();
                    producer.send(new ProducerRecord<>(topic, p.customerId.getBytes(StandardCharsets.UTF_8),
                            PaymentsJson.write(p)), (metadata, e) -> {
                                if (e != null) {
                                    done.completeExceptionally(e);
                                } else {
                                    acknowledged.incrementAndGet();
                                }
                            });
                }
                producer.flush();
                done.complete(acknowledged.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(e);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "ledgerstream-payment-feeder");
        thread.setDaemon(true);
        thread.start();
        return done;
    }
}
