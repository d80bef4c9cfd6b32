package io.ledgerstream.bench.fetch;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A producer writing records at a steady rate, each to a partition drawn at random (seeded, so every run writes the
 * same sequence) among the topics' partitions; before that, it may prime every partition with one record. Each
 * record's value starts with its sequence number; the producer remembers which sequence numbers the broker
 * acknowledged.
 *
 * <p>Thread-safe: the caller primes, then one thread of its own sends; the counts may be read from any thread.
 */
@ThreadSafe
final class TrickleProducer implements AutoCloseable {
    private static final long SEED = 20_240_227L;

    private final KafkaProducer<byte[], byte[]> producer;
    private final List<String> topics;
    private final int partitions;
    private final double perSecond;
    private final int valueBytes;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    @GuardedBy("this")
    private final BitSet acknowledged = new BitSet();
    private volatile boolean stopping;
    private long nextSeq;

    TrickleProducer(String bootstrap, List<String> topics, int partitions, double perSecond, int valueBytes) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "trickle-producer");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.partitions = partitions;
        this.perSecond = perSecond;
        this.valueBytes = Math.max(Long.BYTES, valueBytes);
        this.thread = new Thread(this::run, "trickle-producer");
    }

    /**
     * Writes one record to every partition, topic by topic, and waits until the broker acknowledged them all, so that
     * every partition is known to take writes before the measurement; call before {@link #start()}.
     *
     * @return the number of records written
     * @throws IllegalStateException when a write failed
     */
    int prime() {
        int written = 0;
        for (String topic : topics) {
            for (int partition = 0; partition < partitions; partition++) {
                send(topic, partition, nextSeq++);
                written++;
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("priming the partitions failed", failure.get());
        }
        return written;
    }

    /** Starts writing at the steady rate, in a thread of its own. */
    void start() {
        thread.start();
    }

    private void run() {
        Random random = new Random(SEED);
        long start = System.nanoTime();
        long first = nextSeq;
        for (long seq = first; !stopping; seq++) {
            long due = start + (long) ((seq - first) * TimeUnit.SECONDS.toNanos(1) / perSecond);
            for (long wait = due - System.nanoTime(); wait > 0 && !stopping; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (stopping) {
                return;
            }
            send(topics.get(random.nextInt(topics.size())), random.nextInt(partitions), seq);
        }
    }

    private void send(String topic, int partition, long seq) {
        byte[] value = ByteBuffer.allocate(valueBytes).putLong(seq).array();
        producer.send(new ProducerRecord<>(topic, partition, null, value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                acknowledge(seq);
            }
        });
        sent.incrementAndGet();
    }

    private synchronized void acknowledge(long seq) {
        acknowledged.set(Math.toIntExact(seq));
    }

    /** Stops sending and waits until every record sent was acknowledged or failed. */
    void stop() throws InterruptedException {
        stopping = true;
        thread.join();
        producer.flush();
    }

    long sent() {
        return sent.get();
    }

    synchronized BitSet acknowledged() {
        return (BitSet) acknowledged.clone();
    }

    /** The first send that failed, or null. */
    Exception failure() {
        return failure.get();
    }

    /** Stops sending, if still sending, and closes the producer. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
