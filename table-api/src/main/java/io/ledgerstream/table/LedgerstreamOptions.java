package io.ledgerstream.table;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option key of the Ledgerstream catalog, typed and described once: the catalog's own option, the WITH options
 * of {@code CREATE TABLE} and {@code ALTER TABLE ... SET}, and the topic config in which the catalog keeps a table's
 * schema.
 */
public final class LedgerstreamOptions {

    // ---- the catalog: CREATE CATALOG ... WITH (...) ----

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap-servers")
            .stringType()
            .defaultValue("127.0.0.1:9092")
            .withDescription("The Ledgerstream (Kafka protocol) brokers whose topics are the catalog's tables.");

    public static final ConfigOption<String> CLIENT_CONFIG = ConfigOptions.key("client-config")
            .stringType()
            .noDefaultValue()
            .withDescription("A Kafka client properties file (security.protocol, ssl.*, sasl.*) whose settings the "
                    + "catalog's admin client and every table get, as if given as 'properties.KEY' options (which "
                    + "win); read where the catalog is created, so secrets stay out of the SQL text.");

    /**
     * The prefix of the catalog's Kafka client settings, {@code 'properties.security.protocol' = 'SASL_SSL'} and so
     * on, given to its admin client and, as the same {@code properties.*} options, to every table.
     */
    public static final String CLIENT_PROPERTIES_PREFIX = "properties.";

    // ---- a table's topic: CREATE TABLE ... WITH (...) ----

    public static final ConfigOption<Integer> PARTITIONS = ConfigOptions.key("partitions")
            .intType()
            .defaultValue(3)
            .withDescription("The number of partitions of the topic created for the table.");

    public static final ConfigOption<Integer> REPLICATION_FACTOR = ConfigOptions.key("replication-factor")
            .intType()
            .noDefaultValue()
            .withDescription("The replication factor of the topic created for the table, from 1 to "
                    + Short.MAX_VALUE + "; the broker's default when not given.");

    // ---- Kafka's topic settings, sent to the log as written (the broker checks their ranges) ----

    public static final ConfigOption<Long> RETENTION_MS = ConfigOptions.key("retention.ms")
            .longType()
            .noDefaultValue()
            .withDescription("Delete sealed segments whose newest record is older than this many milliseconds; "
                    + "-1 keeps all.");

    public static final ConfigOption<Long> RETENTION_BYTES = ConfigOptions.key("retention.bytes")
            .longType()
            .noDefaultValue()
            .withDescription("Delete the oldest sealed segments of a partition while it holds more than this many "
                    + "bytes; -1 keeps all.");

    public static final ConfigOption<Long> SEGMENT_BYTES = ConfigOptions.key("segment.bytes")
            .longType()
            .noDefaultValue()
            .withDescription("Roll to a new segment once the open one holds this many bytes.");

    public static final ConfigOption<Long> SEGMENT_MS = ConfigOptions.key("segment.ms")
            .longType()
            .noDefaultValue()
            .withDescription("Roll to a new segment once the open one is this many milliseconds old.");

    public static final ConfigOption<Integer> MAX_MESSAGE_BYTES = ConfigOptions.key("max.message.bytes")
            .intType()
            .noDefaultValue()
            .withDescription("The largest record batch the topic accepts, in bytes.");

    public static final ConfigOption<String> CLEANUP_POLICY = ConfigOptions.key("cleanup.policy")
            .stringType()
            .noDefaultValue()
            .withDescription("'delete' (retention removes old segments), 'compact' (keep the latest record of each "
                    + "key) or 'compact,delete'. A table with a primary key is created with 'compact' unless this "
                    + "option says otherwise.");

    public static final ConfigOption<Long> DELETE_RETENTION_MS = ConfigOptions.key("delete.retention.ms")
            .longType()
            .noDefaultValue()
            .withDescription("How long compaction keeps a tombstone, in milliseconds.");

    public static final ConfigOption<Double> MIN_CLEANABLE_DIRTY_RATIO = ConfigOptions
            .key("min.cleanable.dirty.ratio")
            .doubleType()
            .noDefaultValue()
            .withDescription("Compact once this share (0 to 1) of a partition's log is not yet compacted.");

    public static final ConfigOption<Long> MIN_COMPACTION_LAG_MS = ConfigOptions.key("min.compaction.lag.ms")
            .longType()
            .noDefaultValue()
            .withDescription("Leave records younger than this many milliseconds uncompacted.");

    /** The topic settings a table's options may set, on {@code CREATE TABLE} and {@code ALTER TABLE ... SET}. */
    public static final List<ConfigOption<?>> TOPIC_SETTINGS = List.of(RETENTION_MS, RETENTION_BYTES, SEGMENT_BYTES,
            SEGMENT_MS, MAX_MESSAGE_BYTES, CLEANUP_POLICY, DELETE_RETENTION_MS, MIN_CLEANABLE_DIRTY_RATIO,
            MIN_COMPACTION_LAG_MS);

    // ---- what the catalog writes, never a WITH option ----

    public static final ConfigOption<String> SCHEMA = ConfigOptions.key("ledgerstream.schema")
            .stringType()
            .noDefaultValue()
            .withDescription("The topic config in which the catalog keeps a table's schema (a versioned JSON "
                    + "TopicSchema). Written by CREATE TABLE; the log stores it and never reads it.");

    private LedgerstreamOptions() {
    }
}
