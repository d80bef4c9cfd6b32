package io.ledgerstream.jobs.testing;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.log.testing.LocalBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the jobs' integration tests run on: the standalone platform (ZooKeeper, bookies, a broker, in-process) and a
 * Flink MiniCluster of two single-slot TaskManagers that restarts failed jobs quickly, plus the Kafka plumbing the
 * tests need to feed a job and read back what it wrote.
 *
 * <p>Thread-safe for what tests share: the TaskManager kills are synchronized.
 */
public final class JobTestbed implements AutoCloseable {
    private final Path dir;
    private final LocalBroker platform;
    private final MiniCluster flink;

    private JobTestbed(Path dir, LocalBroker platform, MiniCluster flink) {
        this.dir = dir;
        this.platform = platform;
        this.flink = flink;
    }

    /** Index of the oldest TaskManager not killed yet. */
    @GuardedBy("this")
    private int oldestRunning;

    public static JobTestbed start(Path dir) throws Exception {
        LocalBroker platform = LocalBroker.start(dir.resolve("platform").toFile(), Map.of());
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        // A free port, not Flink's 8081: a platform or another test run may hold that one.
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(2).setNumSlotsPerTaskManager(1).build());
        flink.start();
        return new JobTestbed(dir, platform, flink);
    }

    public String bootstrap() {
        return platform.bootstrap();
    }

    public MiniCluster flink() {
        return flink;
    }

    /**
     * Kills the oldest TaskManager still running (a job at parallelism 2 has a task on each) and starts a new one
     * in its place; the MiniCluster keeps killed TaskManagers in its list, so the next kill takes the next one.
     */
    public synchronized void killAndReplaceTaskManager() throws Exception {
        flink.terminateTaskManager(oldestRunning++).get(60, TimeUnit.SECONDS);
        flink.startTaskManager();
    }

    /** Where a job's checkpoints go: {@code checkpoints-NAME} under the test's folder. */
    public Path checkpoints(String name) {
        return dir.resolve("checkpoints-" + name);
    }

    /**
     * Runs a job at parallelism 2 with checkpoints every 500 ms into {@link #checkpoints(String)}.
     *
     * @param args the job's own options; {@code --bootstrap-servers} and the checkpoint options are added
     */
    public JobClient run(String name, BiConsumer<StreamExecutionEnvironment, ParameterTool> pipeline, String... args)
            throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", bootstrap(), "--checkpoint-interval", "500",
                "--checkpoint-dir", checkpoints(name).toUri().toString()));
        ParameterTool params = ParameterTool.fromArgs(all.toArray(String[]::new));
        TestStreamEnvironment env = new TestStreamEnvironment(flink, JobEnvironment.configuration(params), 2,
                List.of(), List.of());
        pipeline.accept(env, params);
        return env.executeAsync(name);
    }

    /** Creates topics of the given partition counts: name, partitions, name, partitions, ... */
    public void createTopics(Object... namesAndPartitions) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i < namesAndPartitions.length; i += 2) {
            topics.add(new NewTopic((String) namesAndPartitions[i], (Integer) namesAndPartitions[i + 1], (short) 2));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(), "linger.ms", "5"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A reader of a whole topic from its beginning, in per-partition order. */
    public TopicReader reader(String topic) {
        return new TopicReader(bootstrap(), topic);
    }

    @Override
    public void close() throws Exception {
        flink.close();
        platform.close();
    }

    /** Reads a topic's committed records (read_committed) from the beginning and keeps every one it has seen. */
    public static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        TopicReader(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "fetch.max.wait.ms", "100",
                    "isolation.level", "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Takes in what arrived within a short wait; returns everything seen so far. */
        public List<ConsumerRecord<byte[], byte[]>> poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records;
        }

        public List<byte[]> values() {
            return records.stream().map(ConsumerRecord::value).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
