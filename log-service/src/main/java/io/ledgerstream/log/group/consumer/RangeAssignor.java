package io.ledgerstream.log.group.consumer;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's "range" server-side assignor: topic by topic, the members that subscribe to it (in member id order) each
 * take a contiguous range of its partitions, the first ones one more when they do not divide evenly. Members with
 * the same subscriptions get the same partition numbers of every topic, which co-partitioned joins rely on.
 */
public final class RangeAssignor implements ConsumerAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, PartitionSet> assign(List<MemberSubscription> members, Map<Uuid, GroupTopic> topics,
                                            Map<String, PartitionSet> current) {
        Map<String, PartitionSet.Builder> result = new HashMap<>();
        members.forEach(m -> result.put(m.memberId(), PartitionSet.builder()));
        for (GroupTopic topic : topics.values()) {
            List<MemberSubscription> subscribers = members.stream().filter(m -> m.topics().contains(topic.id()))
                    .sorted(Comparator.comparing(MemberSubscription::memberId)).toList();
            if (subscribers.isEmpty()) {
                continue;
            }
            int each = topic.partitions() / subscribers.size();
            int extra = topic.partitions() % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int count = each + (i < extra ? 1 : 0);
                for (int p = next; p < next + count; p++) {
                    result.get(subscribers.get(i).memberId()).add(topic.id(), p);
                }
                next += count;
            }
        }
        return UniformAssignor.build(result);
    }
}
