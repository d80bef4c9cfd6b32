package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.TestClients;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * A Kafka Streams application run against a test broker, one instance at a time: started on a fresh topology, waited
 * on until its group has committed the end of every source topic, closed leaving its group, and its local state
 * wiped so that the next instance must restore its stores from their changelog topics. It counts what each store
 * restored. Not thread-safe: one test drives it (only the restore counts are written by Streams' threads).
 */
final class StreamsApplication implements AutoCloseable {
    private final String bootstrap;
    private final String id;
    private final Path stateDir;
    private final Map<String, String> overrides;
    private final Supplier<Topology> topology;
    private final Map<String, Long> restored = new ConcurrentHashMap<>();
    private KafkaStreams streams;

    /**
     * @param stateDir  this application's own {@code state.dir}, wiped by {@link #closeAndWipeState}
     * @param overrides Streams settings over the ones every instance gets (at-least-once, commits every 100 ms, no
     *                  record cache, internal topics and stores named by the topology, input read from the start)
     * @param topology  builds the topology anew for each instance
     */
    StreamsApplication(String bootstrap, String id, Path stateDir, Map<String, String> overrides,
                       Supplier<Topology> topology) {
        this.bootstrap = bootstrap;
        this.id = id;
        this.stateDir = stateDir;
        this.overrides = overrides;
        this.topology = topology;
    }

    /** Starts an instance; the previous one must have been closed. */
    void start() {
        if (streams != null) {
            throw new IllegalStateException(id + " is running");
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Static membership: the next instance takes the group over at once, or, with leaveGroup on close, the
        // group is empty; a dynamic Streams member never leaves on close and would be waited for (session timeout).
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id + "-instance");
        props.putAll(overrides);
        streams = new KafkaStreams(topology.get(), props);
        streams.setGlobalStateRestoreListener(new RestoreCounts());
        streams.start();
    }

    /**
     * Waits until the application's group has committed, for every partition of {@code topics}, the partition's end
     * offset: every record in them is processed, and (at least once) what processing wrote is flushed.
     */
    void awaitProcessed(Collection<String> topics, Duration timeout) {
        try (Admin admin = TestClients.admin(bootstrap)) {
            Await.until(id + " to commit the end of " + topics, timeout, () -> {
                failIfError();
                return committedTheEnd(admin, topics);
            });
        }
    }

    /** Throws if the running instance has failed. */
    void failIfError() {
        if (streams != null && streams.state() == KafkaStreams.State.ERROR) {
            throw new AssertionError(id + " failed: Kafka Streams is in state ERROR");
        }
    }

    /**
     * Closes the instance cleanly (its tasks commit) and leaving its group, so that the next instance is assigned at
     * once; then deletes its state directory.
     */
    void closeAndWipeState() throws IOException {
        assertThat(closeLeavingGroup()).as("%s closed within 30 s", id).isTrue();
        Utils.delete(stateDir.toFile());
        assertThat(new File(stateDir.toString())).doesNotExist();
    }

    /** How many changelog records each store (by name) has restored, over every instance so far. */
    Map<String, Long> restoredRecords() {
        return new HashMap<>(restored);
    }

    @Override
    public void close() {
        if (streams != null) {
            closeLeavingGroup();
        }
    }

    private boolean closeLeavingGroup() {
        boolean closed = streams.close(new KafkaStreams.CloseOptions().leaveGroup(true)
                .timeout(Duration.ofSeconds(30)));
        streams = null;
        return closed;
    }

    private boolean committedTheEnd(Admin admin, Collection<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(id)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                    .values()) {
                topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()),
                        OffsetSpec.latest()));
            }
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(end -> {
                OffsetAndMetadata at = committed.get(end.getKey());
                return (at == null ? 0 : at.offset()) == end.getValue().offset();
            });
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // a repartition topic Streams has not created yet
            }
            throw new AssertionError("Reading the offsets of " + id, e);
        } catch (TimeoutException e) {
            throw new AssertionError("Reading the offsets of " + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted reading the offsets of " + id, e);
        }
    }

    /** Adds up, per store, the records restored into it. */
    private final class RestoreCounts implements StateRestoreListener {
        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            restored.merge(store, totalRestored, Long::sum);
        }
    }
}
