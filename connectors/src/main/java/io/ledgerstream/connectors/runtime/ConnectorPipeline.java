package io.ledgerstream.connectors.runtime;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds a connector's Flink job: a source connector's records go through the router into its topic, exactly once
 * (a Kafka transaction per checkpoint); a sink connector reads its topics (read_committed, from the group's
 * committed offsets, else the earliest), decodes and writes. Failed records go to the dead-letter topic, also
 * exactly once.
 */
public final class ConnectorPipeline {
    /** Under the broker's transaction.max.timeout.ms (15 minutes by default) and far above a checkpoint. */
    private static final String TRANSACTION_TIMEOUT_MS = Long.toString(Duration.ofMinutes(10).toMillis());

    private ConnectorPipeline() {
    }

    /**
     * The job configuration: RocksDB, exactly-once checkpoints kept on cancel, and exponential restarts that give
     * up after {@link ConnectorSpec#restartAttempts} failures in a row, so a connector that cannot work shows as
     * FAILED instead of restarting for ever.
     */
    public static Configuration configuration(ConnectorSpec spec) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, spec.checkpointInterval());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, spec.restartDelay());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                spec.restartDelay().multipliedBy(8));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, spec.restartAttempts());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofMinutes(10));
        return conf;
    }

    /** Adds a source connector's job to {@code env}. */
    public static void build(StreamExecutionEnvironment env, ConnectorSpec spec, SourceConnector source) {
        // The router and the topic's writer run at the source's parallelism, each fed by one reader in its order:
        // a source of one reader (one slot, one table) keeps one row's changes in order.
        DataStream<ConnectorRecord> read = source.read(env, spec);
        int parallelism = read.getParallelism();
        SingleOutputStreamOperator<ConnectorRecord> routed = read
                .process(new SourceRouter(spec)).name("route").uid("route").setParallelism(parallelism);
        routed.sinkTo(topicSink(spec, spec.topic(), false)).name("topic " + spec.topic()).uid("topic-sink")
                .setParallelism(parallelism);
        deadLetters(spec, routed.getSideOutput(FailedRecords.DEAD_LETTERS));
    }

    /** Adds a sink connector's job to {@code env}. */
    public static <T> void build(StreamExecutionEnvironment env, ConnectorSpec spec, SinkConnector<T> sink) {
        KafkaSource<ConnectorRecord> topics = KafkaSource.<ConnectorRecord>builder()
                .setBootstrapServers(spec.bootstrapServers())
                .setTopics(spec.topics())
                .setGroupId(spec.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new TopicRecords.Reader())
                .setProperty("isolation.level", "read_committed")
                .build();
        SingleOutputStreamOperator<T> decoded = env
                .fromSource(topics, WatermarkStrategy.noWatermarks(), "topics " + String.join(",", spec.topics()))
                .uid("topics")
                .process(new SinkDecoder<>(spec, sink), sink.decodedType()).name("decode").uid("decode");
        DataStream<ConnectorRecord> dead = decoded.getSideOutput(FailedRecords.DEAD_LETTERS);
        DataStream<ConnectorRecord> refused = sink.write(decoded, spec);
        deadLetters(spec, refused == null ? dead : dead.union(refused));
    }

    private static void deadLetters(ConnectorSpec spec, DataStream<ConnectorRecord> failed) {
        spec.deadLetterTopic().ifPresent(topic -> failed
                .sinkTo(topicSink(spec, topic, true)).name("dead letters " + topic).uid("dead-letter-sink")
                .setParallelism(failed.getParallelism()));
    }

    private static KafkaSink<ConnectorRecord> topicSink(ConnectorSpec spec, String topic, boolean deadLetters) {
        return KafkaSink.<ConnectorRecord>builder()
                .setBootstrapServers(spec.bootstrapServers())
                .setRecordSerializer(new TopicRecords.Writer(topic, spec.name(), deadLetters))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(spec.groupId() + "-" + topic)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }
}
