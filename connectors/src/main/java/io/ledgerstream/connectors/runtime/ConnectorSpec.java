package io.ledgerstream.connectors.runtime;

import io.ledgerstream.jobs.kafka.ClientConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What every connector file says besides its type's own settings: its name, the topic it writes (a source) or the
 * topics it reads (a sink), the cluster, error handling and how often Flink may restart it.
 *
 * @param file the file's name, for messages
 * @param topics the one topic a source writes, or the topics a sink reads
 * @param clientConfig a Kafka client properties file (security settings) for every client of the topics, or null
 * @param deadLetters the topic failed records go to, or null
 * @param restartAttempts restarts after which a failing connector stays failed (the count starts again after a
 *     quiet period)
 */
public record ConnectorSpec(String file, String name, boolean source, String type, List<String> topics,
                            String bootstrapServers, String clientConfig, ErrorTolerance tolerance, String deadLetters,
                            int parallelism, int restartAttempts, Duration restartDelay, Duration checkpointInterval)
        implements Serializable {

    /**
     * The client settings of {@link #clientConfig}, read now (none without a file).
     *
     * @throws io.ledgerstream.jobs.kafka.ClientConfigException naming the file and key, if the file is bad
     */
    public ClientConfig client() {
        return ClientConfig.loadIfGiven(clientConfig == null ? null : Path.of(clientConfig));
    }

    /** The topic failed records go to, if any. */
    public Optional<String> deadLetterTopic() {
        return Optional.ofNullable(deadLetters);
    }

    /** The Flink job's name: how {@code connect list} and {@code connect status} find it. */
    public String jobName() {
        return jobName(name);
    }

    public static String jobName(String connectorName) {
        return "connector " + connectorName;
    }

    /** The group id a sink reads its topics under, and the prefix of a source's transactional ids. */
    public String groupId() {
        return "connect-" + name;
    }

    /** The topic a source connector writes. */
    public String topic() {
        return topics.get(0);
    }
}
