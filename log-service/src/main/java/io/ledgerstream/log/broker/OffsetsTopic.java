package io.ledgerstream.log.broker;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.manager.TopicManager;
import io.ledgerstream.log.metadata.TopicRecord;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up {@code __consumer_offsets} at start-up, where the group coordinator keeps the committed offsets. Stateless.
 */
final class OffsetsTopic {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopic.class);
    private static final long WAIT_MS = 60_000;

    private OffsetsTopic() {
    }

    /**
     * Makes sure the topic exists and returns its partition count, which places every group.
     * <ol>
     *   <li>Create it, compacted, with {@code offsets.topic.num.partitions} partitions, unless it exists (another
     *       broker created it, or an earlier run did).</li>
     *   <li>An existing topic keeps its partition count, as in Kafka: moving groups to other partitions would lose
     *       their offsets. A count other than the configured one is logged, at INFO: it is expected after the
     *       setting changed, or with data from a version that created one partition.</li>
     *   <li>An existing topic without a {@code cleanup.policy} of its own (as versions before this one created it)
     *       is switched to {@code compact}, so time retention never deletes the offsets of a group that commits
     *       rarely. A failure to switch is logged and start-up goes on; the next start tries again.</li>
     * </ol>
     *
     * @return the topic's partition count
     */
    static int ensure(TopicManager topics, BrokerConfig config) throws Exception {
        int wanted = config.offsetsTopicPartitions();
        TopicRecord topic = topics.createTopicIfAbsent(OffsetStore.TOPIC, wanted,
                Map.of(LogConfig.CLEANUP_POLICY, "compact")).get(WAIT_MS, TimeUnit.MILLISECONDS);
        if (topic.partitions() != wanted) {
            LOG.info("{} has {} partition(s) where {} is {}: the count is fixed once the topic exists, so groups "
                            + "are placed over {}", OffsetStore.TOPIC, topic.partitions(),
                    BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, wanted, topic.partitions());
        }
        if (!topic.configOverrides().containsKey(LogConfig.CLEANUP_POLICY)) {
            try {
                topics.alterTopicConfig(OffsetStore.TOPIC, overrides -> {
                    overrides.putIfAbsent(LogConfig.CLEANUP_POLICY, "compact");
                    return overrides;
                }, false).get(WAIT_MS, TimeUnit.MILLISECONDS);
                LOG.info("{} had no cleanup.policy of its own: set to compact", OffsetStore.TOPIC);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Could not make {} compacted (retried on the next start): {}", OffsetStore.TOPIC,
                        e.toString());
            }
        }
        return topic.partitions();
    }
}
