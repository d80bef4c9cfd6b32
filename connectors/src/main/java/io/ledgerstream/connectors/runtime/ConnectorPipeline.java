package io.ledgerstream.connectors.runtime;

import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.kafka.KafkaTopics;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds a connector's Flink job: a source connector's records go through the router into its topic, exactly once
 * (a Kafka transaction per checkpoint); a sink connector reads its topics (read_committed, from the group's
 * committed offsets, else the earliest), decodes and writes. Failed records go to the dead-letter topic, also
 * exactly once.
 */
public final class ConnectorPipeline {
    private ConnectorPipeline() {
    }

    /**
     * The job configuration: RocksDB, exactly-once checkpoints kept on cancel, and exponential restarts that give
     * up after {@link ConnectorSpec#restartAttempts} failures in a row, so a connector that cannot work shows as
     * FAILED instead of restarting for ever.
     */
    public static Configuration configuration(ConnectorSpec spec) {
        Configuration conf = JobEnvironment.checkpointed(spec.checkpointInterval());
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
        KafkaSource<ConnectorRecord> topics = topics(spec)
                .source(spec.topics(), spec.groupId(), new TopicRecords.Reader());
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
        return topics(spec).sink(new TopicRecords.Writer(topic, spec.name(), deadLetters), topic, spec.groupId());
    }

    /** The cluster's topics, every client with the connector's client config. */
    private static KafkaTopics topics(ConnectorSpec spec) {
        return new KafkaTopics(spec.bootstrapServers(), DeliveryGuarantee.EXACTLY_ONCE, spec.client());
    }
}
