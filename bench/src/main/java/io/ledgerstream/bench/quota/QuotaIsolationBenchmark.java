package io.ledgerstream.bench.quota;

import io.ledgerstream.bench.BenchMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A probe producer (client id {@code probe}, no quota) sends 1 KB records one at a time, each acknowledged before the
 * next (acks=all), for the measured span: alone; beside a flooder (client id {@code flooder}) sending 10 KB records
 * at full speed under a produce quota of QUOTA bytes/s, once the flooder's first burst (ten windows' worth) has
 * passed; and beside the same flooder without a quota. Prints the probe's p50/p99 in each phase, the flooder's
 * acknowledged rate, and a line {@code RESULT alone-p99 quota-p99 noquota-p99 flooder-quota-MBps
 * flooder-noquota-MBps} (ms and MB/s).
 *
 * <p>Arguments: bootstrap, measured seconds, quota in bytes/s, warm-up seconds.
 */
public final class QuotaIsolationBenchmark {
    private static final String FLOOD_TOPIC = "quota-flood";
    private static final String PROBE_TOPIC = "quota-probe";

    private QuotaIsolationBenchmark() {
    }

    public static void main(String[] args) {
        BenchMain.runAndExit(args, QuotaIsolationBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[0];
        int measureSeconds = Integer.parseInt(args[1]);
        long quota = Long.parseLong(args[2]);
        int warmupSeconds = Integer.parseInt(args[3]);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : List.of(FLOOD_TOPIC, PROBE_TOPIC)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            try (KafkaProducer<byte[], byte[]> probe = producer(bootstrap, "probe", Map.of())) {
                probe(probe, 3); // warms the probe's connection and the broker's code paths
                List<Long> alone = probe(probe, measureSeconds);
                print("alone", alone, -1);

                setQuota(admin, quota);
                Flood withQuota = flood(bootstrap, probe, measureSeconds, warmupSeconds);
                print("beside a flooder with a quota of " + quota + " B/s", withQuota.probe, withQuota.mbPerSecond);
                setQuota(admin, 0);
                Flood withoutQuota = flood(bootstrap, probe, measureSeconds, warmupSeconds);
                print("beside a flooder without a quota", withoutQuota.probe, withoutQuota.mbPerSecond);
                System.out.printf("RESULT %.2f %.2f %.2f %.2f %.2f%n", ms(p(alone, 0.99)),
                        ms(p(withQuota.probe, 0.99)), ms(p(withoutQuota.probe, 0.99)), withQuota.mbPerSecond,
                        withoutQuota.mbPerSecond);
            }
        }
    }

    private record Flood(List<Long> probe, double mbPerSecond) {
    }

    /** Floods at full speed; after the warm-up, probes over the measured span while counting the flooder's acks. */
    private static Flood flood(String bootstrap, KafkaProducer<byte[], byte[]> probe, int measureSeconds,
                               int warmupSeconds) throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong ackedBytes = new AtomicLong();
        byte[] value = new byte[10_000];
        KafkaProducer<byte[], byte[]> flooder = producer(bootstrap, "flooder", Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.BATCH_SIZE_CONFIG, "65536",
                ProducerConfig.BUFFER_MEMORY_CONFIG, "4194304"));
        Thread thread = new Thread(() -> {
            while (flooding.get()) {
                flooder.send(new ProducerRecord<>(FLOOD_TOPIC, value), (m, e) -> {
                    if (e == null) {
                        ackedBytes.addAndGet(value.length);
                    }
                });
            }
        }, "flooder");
        thread.start();
        try {
            TimeUnit.SECONDS.sleep(warmupSeconds);
            long before = ackedBytes.get();
            long started = System.nanoTime();
            List<Long> latencies = probe(probe, measureSeconds);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Flood(latencies, (ackedBytes.get() - before) / 1048576.0 / seconds);
        } finally {
            flooding.set(false);
            flooder.close(Duration.ZERO);
            thread.join(30_000);
        }
    }

    private static List<Long> probe(KafkaProducer<byte[], byte[]> probe, int seconds) throws Exception {
        List<Long> latencies = new ArrayList<>();
        byte[] value = new byte[1000];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            long sent = System.nanoTime();
            probe.send(new ProducerRecord<>(PROBE_TOPIC, value)).get(60, TimeUnit.SECONDS);
            latencies.add(System.nanoTime() - sent);
        }
        return latencies;
    }

    /** Sets the flooder's produce quota; 0 removes it. */
    private static void setQuota(Admin admin, long bytesPerSecond) throws Exception {
        ClientQuotaEntity flooder = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "flooder"));
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(flooder, List.of(new ClientQuotaAlteration.Op(
                "producer_byte_rate", bytesPerSecond > 0 ? (double) bytesPerSecond : null))))).all()
                .get(60, TimeUnit.SECONDS);
        // Every broker follows the quota through its watch; one broker here, a moment is plenty.
        TimeUnit.SECONDS.sleep(1);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String clientId,
                                                          Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(overrides);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void print(String phase, List<Long> latencies, double flooderMbPerSecond) {
        System.out.printf("probe %s: %d sends, p50 %.2f ms, p99 %.2f ms%s%n", phase, latencies.size(),
                ms(p(latencies, 0.5)), ms(p(latencies, 0.99)),
                flooderMbPerSecond < 0 ? "" : String.format("; flooder %.2f MB/s", flooderMbPerSecond));
    }

    private static long p(List<Long> latencies, double quantile) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * quantile) - 1));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
