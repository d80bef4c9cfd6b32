package io.ledgerstream.jobs.kafka;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Sources and sinks on topics of a Ledgerstream (or any Kafka) cluster, set up the one way our jobs use them: a
 * source starts from the group's committed offsets (from the earliest when it has none), reads only committed
 * transactions (read_committed) and commits on every checkpoint; a sink writes exactly once by default, in a Kafka
 * transaction per checkpoint that commits when the checkpoint completes, so a restart neither loses nor repeats
 * output. A sink can be made at-least-once instead ({@value #DELIVERY_GUARANTEE} {@code at-least-once}): it then
 * flushes on every checkpoint without a transaction, so its output is visible at once but a restart may repeat some.
 * Every source and sink gets the same {@link ClientConfig} (security settings), given by {@code --client-config}.
 */
public final class KafkaTopics {
    /** The option that sets the sinks' delivery guarantee: {@code exactly-once} or {@code at-least-once}. */
    public static final String DELIVERY_GUARANTEE = "delivery-guarantee";

    /** The guarantees a sink may be given; Flink's {@code none} is left out, it can lose output. */
    private static final List<DeliveryGuarantee> SINK_GUARANTEES =
            List.of(DeliveryGuarantee.EXACTLY_ONCE, DeliveryGuarantee.AT_LEAST_ONCE);

    /**
     * The sinks' transaction timeout: under the broker's {@code transaction.max.timeout.ms} (15 minutes by
     * default, Flink's own default of one hour is refused), and far above a checkpoint's duration.
     */
    static final String TRANSACTION_TIMEOUT_MS = Long.toString(java.time.Duration.ofMinutes(10).toMillis());

    private final String bootstrapServers;
    private final DeliveryGuarantee sinkGuarantee;
    private final ClientConfig client;

    /** Topics of the given cluster, with exactly-once sinks. */
    public KafkaTopics(String bootstrapServers) {
        this(bootstrapServers, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** Topics of the given cluster, with sinks of the given guarantee (exactly-once or at-least-once). */
    public KafkaTopics(String bootstrapServers, DeliveryGuarantee sinkGuarantee) {
        this(bootstrapServers, sinkGuarantee, ClientConfig.none());
    }

    /**
     * Topics of the given cluster, with sinks of the given guarantee, every client with {@code client}'s settings
     * (the settings our sources and sinks need, such as {@code isolation.level}, win over the file's).
     */
    public KafkaTopics(String bootstrapServers, DeliveryGuarantee sinkGuarantee, ClientConfig client) {
        if (!SINK_GUARANTEES.contains(sinkGuarantee)) {
            throw new IllegalArgumentException("A sink's delivery guarantee must be one of " + names()
                    + ", not " + sinkGuarantee);
        }
        this.bootstrapServers = bootstrapServers;
        this.sinkGuarantee = sinkGuarantee;
        this.client = client;
    }

    /**
     * Topics of {@code --bootstrap-servers} (required), with sinks as {@code --delivery-guarantee} says
     * ({@code exactly-once}, the default, or {@code at-least-once}), every client with the settings of
     * {@code --client-config FILE} when given.
     *
     * @throws IllegalArgumentException naming the option, if its value is neither, or the client config's file and
     *                                  key ({@link ClientConfigException}) when that is bad
     */
    public static KafkaTopics fromParams(ParameterTool params) {
        String guarantee = params.get(DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE.toString());
        DeliveryGuarantee sinkGuarantee = SINK_GUARANTEES.stream()
                .filter(g -> g.toString().equals(guarantee))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--" + DELIVERY_GUARANTEE + " must be one of "
                        + names() + ", not '" + guarantee + "'"));
        return new KafkaTopics(params.getRequired("bootstrap-servers"), sinkGuarantee,
                ClientConfig.fromParams(params));
    }

    private static String names() {
        return SINK_GUARANTEES.stream().map(DeliveryGuarantee::toString).collect(Collectors.joining(", "));
    }

    /** The client settings every source and sink gets. */
    public ClientConfig client() {
        return client;
    }

    /** The guarantee this object's sinks are built with. */
    public DeliveryGuarantee sinkGuarantee() {
        return sinkGuarantee;
    }

    public <T> KafkaSource<T> source(String topic, String groupId, KafkaRecordDeserializationSchema<T> events) {
        return source(List.of(topic), groupId, events);
    }

    /** A source of several topics, read as {@link #source(String, String, KafkaRecordDeserializationSchema)} reads one. */
    public <T> KafkaSource<T> source(List<String> topics, String groupId, KafkaRecordDeserializationSchema<T> events) {
        return KafkaSource.<T>builder()
                .setProperties(client.toProperties())
                .setBootstrapServers(bootstrapServers)
                .setTopics(topics)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(events)
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /**
     * A sink of this object's guarantee. Its transactional id prefix is {@code <groupId>-<topic>}: unique per sink
     * as long as group ids are unique per job, and the same across restarts of the job, so that a restart commits or
     * aborts the transactions its previous run left (an at-least-once sink does not use it).
     */
    public <T> KafkaSink<T> sink(KeyedEventSerializer<T> events, String groupId) {
        return sink(events, events.topic(), groupId);
    }

    /**
     * A sink of this object's guarantee writing to {@code topic} through any serializer (which should name its topic
     * to the sink, as {@link KeyedEventSerializer} does); its transactional id prefix is {@code <groupId>-<topic>}.
     */
    public <T> KafkaSink<T> sink(KafkaRecordSerializationSchema<T> events, String topic, String groupId) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(client.toProperties())
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(events)
                .setDeliveryGuarantee(sinkGuarantee)
                .setTransactionalIdPrefix(groupId + "-" + topic)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }
}
