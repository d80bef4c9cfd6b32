package io.ledgerstream.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A projection fed by one broker (ours or Apache Kafka; run once per broker by bench/projection.sh): a backlog of
 * events is loaded, then {@code INSERT INTO projection SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k} runs in
 * a local Flink cluster (parallelism 2, RocksDB, checkpoint every 10 s) and is timed until the projection topic
 * holds every key with its final count. The tables are declared with connector options, not through our catalog,
 * so the same statements run against both brokers.
 *
 * <p>Arguments: BOOTSTRAP REPLICATION_FACTOR NAME [EVENTS=1000000] [KEYS=100000].
 */
public final class ProjectionBenchmark {
    private ProjectionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        short rf = Short.parseShort(args[1]);
        String name = args[2];
        int events = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        int keys = args.length > 4 ? Integer.parseInt(args[4]) : 100_000;

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            // The projection's topic as the catalog creates keyed tables: compacted, here with segments small
            // enough that the log cleaner (ours or Kafka's) works during the run.
            admin.createTopics(List.of(new NewTopic("events", 3, rf), new NewTopic("projection", 3, rf)
                            .configs(Map.of("cleanup.policy", "compact", "segment.bytes", Integer.toString(16 << 20)))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        SplittableRandom random = new SplittableRandom(5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "linger.ms", "20", "batch.size", "65536"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                String key = String.format(Locale.ROOT, "key-%06d", random.nextInt(keys));
                producer.send(new ProducerRecord<>("events", key.getBytes(StandardCharsets.UTF_8),
                        ("{\"k\":\"" + key + "\",\"v\":" + random.nextInt(100) + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        Path checkpoints = Files.createTempDirectory("ledgerstream-projection-bench");
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        sql.getConfig().set("state.backend.type", "rocksdb");
        sql.getConfig().set("execution.checkpointing.incremental", "true");
        sql.getConfig().set("execution.checkpointing.interval", "10 s");
        sql.getConfig().set("execution.checkpointing.dir", checkpoints.toUri().toString());
        sql.getConfig().set("parallelism.default", "2");
        sql.executeSql("CREATE TABLE events (k STRING, v BIGINT) WITH ('connector' = 'kafka', 'topic' = 'events', "
                + "'properties.bootstrap.servers' = '" + bootstrap + "', 'format' = 'json', "
                + "'scan.startup.mode' = 'earliest-offset')");
        sql.executeSql("CREATE TABLE projection (k STRING, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED) "
                + "WITH ('connector' = 'upsert-kafka', 'topic' = 'projection', 'properties.bootstrap.servers' = '"
                + bootstrap + "', 'key.format' = 'json', 'value.format' = 'json')");
        long started = System.nanoTime();
        TableResult job = sql.executeSql("INSERT INTO projection SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k");

        Map<String, Long> counts = new HashMap<>();
        long counted = 0;
        long firstRow = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "max.poll.records", "10000"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition("projection", 0),
                    new TopicPartition("projection", 1), new TopicPartition("projection", 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (counted < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The projection counts " + counted + " of " + events);
                }
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    if (firstRow == 0) {
                        firstRow = System.nanoTime();
                    }
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    long n = Long.parseLong(value.replaceAll(".*\"n\":(\\d+).*", "$1"));
                    Long before = counts.put(new String(record.key(), StandardCharsets.UTF_8), n);
                    counted += n - (before == null ? 0 : before);
                }
            }
        } finally {
            job.getJobClient().orElseThrow().cancel().get(60, TimeUnit.SECONDS);
        }
        long done = System.nanoTime();
        System.out.printf(Locale.ROOT, "%-13s projection: %,.0f events/s (%,d events, %,d keys; current %.1f s after "
                        + "the query started, %.1f s after its first row)%n", name, events / ((done - started) / 1e9),
                events, counts.size(), (done - started) / 1e9, (done - firstRow) / 1e9);
        System.exit(0);
    }
}
