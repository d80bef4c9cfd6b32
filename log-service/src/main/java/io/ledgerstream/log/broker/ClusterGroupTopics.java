package io.ledgerstream.log.broker;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.group.consumer.GroupTopic;
import io.ledgerstream.log.group.consumer.GroupTopics;
import io.ledgerstream.log.metadata.TopicNames;
import java.util.Collection;
import java.util.Optional;

/**
 * The topics consumer groups subscribe to, from what this broker's cluster view holds: a topic's id from the topic
 * id index, its partition count from its leaders. A topic created a moment ago elsewhere shows once the view has it.
 *
 * <p>Thread-safe: reads the view's concurrent maps only.
 */
final class ClusterGroupTopics implements GroupTopics {
    private final ClusterView cluster;

    ClusterGroupTopics(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public Optional<GroupTopic> topic(String name) {
        return cluster.topicId(name).flatMap(id -> cluster.leaders(name)
                .map(leaders -> new GroupTopic(name, id, leaders.partitions().size())));
    }

    @Override
    public Collection<String> names() {
        return cluster.topicsWithLeaders().stream().filter(n -> !TopicNames.isInternal(n)).toList();
    }
}
