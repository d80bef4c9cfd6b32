package io.ledgerstream.bench.fetch;

import io.ledgerstream.bench.BenchMain;
import io.ledgerstream.bench.ProcessCpu;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer (no group, partitions assigned) reading 10 topics of 100 partitions each while a producer writes a
 * trickle of records to partitions drawn at random. Every partition first gets one record, which the consumer must
 * read, so that the broker has opened every partition before the clock starts. After a warm-up, over a measured
 * window, it reports the consumer's fetches per second, the bytes of its fetch requests and responses (its own
 * network counters, see {@link FetchCounters}) per request, per response and per record delivered, the records
 * delivered per second with their end-to-end latency, and the CPU time the broker's process used (see
 * {@link ProcessCpu}), in all and per fetch. Then it stops the producer and checks that every acknowledged record
 * arrived exactly once.
 *
 * <p>Arguments: bootstrap servers, replication factor, label, the broker's process id, warm-up seconds, measured
 * seconds, records per second, the kernel's clock ticks per second ({@code getconf CLK_TCK}). The last line of its
 * output is {@code RESULT label fetches/s request-bytes response-bytes bytes/record records/s cpu-ms/s cpu-us/fetch
 * p50-ms p99-ms complete}, complete being 1 when every acknowledged record arrived once and nothing failed.
 */
public final class FetchSessionsBenchmark {
    private static final int TOPICS = 10;
    private static final int PARTITIONS = 100;
    private static final int VALUE_BYTES = 100;
    private static final Duration PRIME = Duration.ofSeconds(120);
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BitSet received = new BitSet();
    private long duplicates;
    private long windowRecords;
    private final List<Long> windowLatencies = new ArrayList<>();
    private boolean inWindow;

    private FetchSessionsBenchmark(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    public static void main(String[] args) {
        BenchMain.runAndExit(args, FetchSessionsBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[0];
        short replication = Short.parseShort(args[1]);
        String label = args[2];
        long brokerPid = Long.parseLong(args[3]);
        Duration warmUp = Duration.ofSeconds(Long.parseLong(args[4]));
        Duration window = Duration.ofSeconds(Long.parseLong(args[5]));
        double perSecond = Double.parseDouble(args[6]);
        double ticksPerSecond = Double.parseDouble(args[7]);

        String prefix = "trickle-" + System.currentTimeMillis() + "-";
        List<String> topics = IntStream.range(0, TOPICS).mapToObj(t -> prefix + t).toList();
        createTopics(bootstrap, topics, replication);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fetch-sessions-bench");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TopicPartition> assigned = topics.stream()
                .flatMap(t -> IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(t, i))).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             TrickleProducer producer = new TrickleProducer(bootstrap, topics, PARTITIONS, perSecond, VALUE_BYTES)) {
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            new FetchSessionsBenchmark(consumer).measure(producer, label, brokerPid, warmUp, window,
                    ticksPerSecond);
        }
    }

    private static void createTopics(String bootstrap, List<String> topics, short replication) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, PARTITIONS, replication)).toList())
                    .all().get(120, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                        .get(60, TimeUnit.SECONDS);
                boolean led = described.values().stream().allMatch(d -> d.partitions().size() == PARTITIONS
                        && d.partitions().stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty()));
                if (led) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the topics' partitions have no leaders after 120 s");
                }
                Thread.sleep(200);
            }
        }
    }

    private void measure(TrickleProducer producer, String label, long brokerPid, Duration warmUp, Duration window,
                         double ticksPerSecond) throws Exception {
        int primed = producer.prime();
        long primeDeadline = System.nanoTime() + PRIME.toNanos();
        while (received.cardinality() < primed) {
            if (System.nanoTime() > primeDeadline) {
                throw new IllegalStateException("the consumer received " + received.cardinality() + " of the "
                        + primed + " priming records in " + PRIME.toSeconds() + " s");
            }
            pollOnce();
        }
        producer.start();
        long start = System.nanoTime();
        pollUntil(start + warmUp.toNanos());

        inWindow = true;
        long windowStart = System.nanoTime();
        FetchCounters fetchesBefore = FetchCounters.of(consumer.metrics());
        ProcessCpu cpuBefore = ProcessCpu.of(brokerPid);
        pollUntil(windowStart + window.toNanos());
        ProcessCpu cpu = ProcessCpu.of(brokerPid).since(cpuBefore);
        FetchCounters fetched = FetchCounters.of(consumer.metrics()).since(fetchesBefore);
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        inWindow = false;

        producer.stop();
        BitSet acknowledged = producer.acknowledged();
        long drainDeadline = System.nanoTime() + DRAIN.toNanos();
        while (!covers(received, acknowledged) && System.nanoTime() < drainDeadline) {
            pollOnce();
        }
        BitSet missing = (BitSet) acknowledged.clone();
        missing.andNot(received);
        boolean complete = missing.isEmpty() && duplicates == 0 && producer.failure() == null
                && acknowledged.cardinality() == producer.sent();

        double cpuMs = cpu.totalTicks() * 1000.0 / ticksPerSecond;
        double fetchesPerSecond = fetched.fetches() / seconds;
        double requestBytes = fetched.requestBytes() / fetched.requests();
        double responseBytes = fetched.responseBytes() / fetched.responses();
        double recordsPerSecond = windowRecords / seconds;
        double bytesPerRecord = (fetched.requestBytes() + fetched.responseBytes()) / windowRecords;
        double cpuMsPerSecond = cpuMs / seconds;
        double cpuMicrosPerFetch = cpuMs * 1000.0 / fetched.fetches();
        long p50 = percentile(windowLatencies, 0.50);
        long p99 = percentile(windowLatencies, 0.99);
        System.out.printf(Locale.ROOT, "%-22s %,.1f fetches/s (%,.0f requests in %.1f s); bytes per request %,.0f, "
                        + "per response %,.0f, both per record %,.0f; %,.1f records/s (end-to-end p50 %d ms, p99 %d "
                        + "ms); broker CPU %,.0f ms/s, %,.0f µs per fetch%n", label, fetchesPerSecond,
                fetched.requests(), seconds, requestBytes, responseBytes, bytesPerRecord, recordsPerSecond, p50, p99,
                cpuMsPerSecond, cpuMicrosPerFetch);
        System.out.printf(Locale.ROOT, "%-22s records sent %,d, acknowledged %,d, received %,d (%,d twice, %,d "
                        + "missing)%s%n", label, producer.sent(), acknowledged.cardinality(), received.cardinality(),
                duplicates, missing.cardinality(),
                producer.failure() == null ? "" : "; a send failed: " + producer.failure());
        System.out.printf(Locale.ROOT, "%-22s broker CPU by thread, ms/s: %s%n", label, topGroups(cpu,
                ticksPerSecond, seconds));
        System.out.printf(Locale.ROOT, "RESULT %s %.2f %.0f %.0f %.0f %.2f %.1f %.1f %d %d %d%n", label,
                fetchesPerSecond, requestBytes, responseBytes, bytesPerRecord, recordsPerSecond, cpuMsPerSecond,
                cpuMicrosPerFetch, p50, p99, complete ? 1 : 0);
    }

    private void pollUntil(long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos) {
            pollOnce();
        }
    }

    private void pollOnce() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            int seq = Math.toIntExact(ByteBuffer.wrap(r.value()).getLong());
            if (received.get(seq)) {
                duplicates++;
            }
            received.set(seq);
            if (inWindow) {
                windowRecords++;
                windowLatencies.add(System.currentTimeMillis() - r.timestamp());
            }
        }
    }

    private static boolean covers(BitSet received, BitSet acknowledged) {
        BitSet missing = (BitSet) acknowledged.clone();
        missing.andNot(received);
        return missing.isEmpty();
    }

    private static long percentile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }

    private static String topGroups(ProcessCpu cpu, double ticksPerSecond, double seconds) {
        return cpu.groupTicks().entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(10)
                .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(),
                        e.getValue() * 1000.0 / ticksPerSecond / seconds))
                .collect(Collectors.joining(", "));
    }
}
