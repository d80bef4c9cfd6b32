package io.ledgerstream.log.manager;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.TopicRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.Uuid;

/** Topic administration as the Kafka APIs ask for it: look up, create, delete, configure, add partitions. */
public interface TopicAdmin {
    /** The broker configuration topics take their defaults from. */
    BrokerConfig config();

    /**
     * The settings of topics without overrides as in force now: the broker's {@code log.*} keys with the dynamic
     * broker settings over them.
     */
    LogConfig logDefaults();

    /** How many bookies accept writes now. */
    CompletableFuture<Integer> writableBookies();

    /** A topic's record; fails with {@code UnknownTopicException} when there is none. */
    CompletableFuture<TopicRecord> topic(String name);

    /** The names of every topic. */
    CompletableFuture<List<String>> topicNames();

    /**
     * Creates a topic after checking its name and configuration.
     *
     * @param replication null for the broker's default
     */
    CompletableFuture<TopicRecord> createTopic(String name, int partitions, Replication replication,
                                               Map<String, String> configOverrides);

    /** The topic's record, creating the topic with the broker's defaults if auto-creation is on and it is missing. */
    CompletableFuture<TopicRecord> topicCreatingIfAllowed(String name, boolean allowed);

    /**
     * Deletes a topic with its data.
     *
     * @param id the id the topic must have, or the zero id for whichever topic has the name; a topic with another
     *           id fails with {@code UnknownTopicIdException}
     */
    CompletableFuture<Void> deleteTopic(String name, Uuid id);

    /** Changes a topic's configuration overrides and applies them to its open logs. */
    CompletableFuture<Void> alterTopicConfig(String name, UnaryOperator<Map<String, String>> change,
                                             boolean validateOnly);

    /**
     * A topic's settings as it is created or changed: the broker's defaults with its overrides, checked.
     *
     * @throws io.ledgerstream.log.config.InvalidConfigException if they are not valid for a topic
     */
    LogConfig topicLogConfig(Map<String, String> overrides, Replication replication);

    /** Raises a topic's partition count to {@code total}. */
    CompletableFuture<Void> createPartitions(String name, int total);
}
