package io.ledgerstream.log.group.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's default server-side assignor, "uniform": spreads the partitions evenly over the members that subscribe
 * to them and keeps as many of each member's current partitions as balance allows (sticky), so a rebalance moves
 * as few partitions as it can. With the same subscriptions everywhere every member gets the floor or the ceiling of
 * partitions over members; with different subscriptions each partition goes to its least loaded subscriber, the
 * partitions with the fewest subscribers first (they have the least choice).
 */
public final class UniformAssignor implements ConsumerAssignor {
    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    private record Slot(Uuid topic, int partition) {
    }

    @Override
    public Map<String, PartitionSet> assign(List<MemberSubscription> members, Map<Uuid, GroupTopic> topics,
                                            Map<String, PartitionSet> current) {
        List<MemberSubscription> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(MemberSubscription::memberId));
        List<Slot> all = new ArrayList<>();
        topics.values().stream().sorted(Comparator.comparing(GroupTopic::id)).forEach(topic -> {
            boolean subscribed = sorted.stream().anyMatch(m -> m.topics().contains(topic.id()));
            for (int p = 0; subscribed && p < topic.partitions(); p++) {
                all.add(new Slot(topic.id(), p));
            }
        });
        long subscribers = sorted.stream().filter(m -> m.topics().stream().anyMatch(topics::containsKey)).count();
        Map<String, PartitionSet.Builder> result = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        sorted.forEach(m -> {
            result.put(m.memberId(), PartitionSet.builder());
            counts.put(m.memberId(), 0);
        });
        if (subscribers == 0) {
            return build(result);
        }
        int floor = (int) (all.size() / subscribers);
        int extra = (int) (all.size() % subscribers);
        Set<Slot> taken = new java.util.HashSet<>();
        // Sticky: each member keeps its current partitions up to its share.
        for (MemberSubscription member : sorted) {
            List<Slot> kept = new ArrayList<>();
            current.getOrDefault(member.memberId(), PartitionSet.EMPTY).forEach((t, p) -> {
                GroupTopic topic = topics.get(t);
                if (topic != null && p < topic.partitions() && member.topics().contains(t)) {
                    kept.add(new Slot(t, p));
                }
            });
            int share = floor;
            if (kept.size() > floor && extra > 0) {
                share++;
                extra--;
            }
            for (Slot slot : kept.subList(0, Math.min(share, kept.size()))) {
                if (taken.add(slot)) {
                    result.get(member.memberId()).add(slot.topic(), slot.partition());
                    counts.merge(member.memberId(), 1, Integer::sum);
                }
            }
        }
        // The rest: each to the least loaded member that subscribes to its topic, partitions of topics with the fewest
        // subscribers first, so that members with more choice take up what is left.
        Map<Uuid, Long> subscribersOf = new HashMap<>();
        topics.keySet().forEach(t -> subscribersOf.put(t, sorted.stream().filter(m -> m.topics().contains(t))
                .count()));
        List<Slot> rest = new ArrayList<>(all);
        rest.sort(Comparator.comparing((Slot s) -> subscribersOf.get(s.topic())));
        for (Slot slot : rest) {
            if (taken.contains(slot)) {
                continue;
            }
            MemberSubscription least = null;
            for (MemberSubscription member : sorted) {
                if (member.topics().contains(slot.topic())
                        && (least == null || counts.get(member.memberId()) < counts.get(least.memberId()))) {
                    least = member;
                }
            }
            result.get(least.memberId()).add(slot.topic(), slot.partition());
            counts.merge(least.memberId(), 1, Integer::sum);
        }
        return build(result);
    }

    static Map<String, PartitionSet> build(Map<String, PartitionSet.Builder> builders) {
        Map<String, PartitionSet> built = new HashMap<>();
        builders.forEach((m, b) -> built.put(m, b.build()));
        return built;
    }
}
