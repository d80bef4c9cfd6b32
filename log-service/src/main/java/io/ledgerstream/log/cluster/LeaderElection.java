package io.ledgerstream.log.cluster;

import io.ledgerstream.log.metadata.PartitionLeaders;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;

/**
 * A leader election an administrator asked for (ElectLeaders), worked out on the leaders as they are. Every live
 * broker can lead any partition without losing data (the new leader fences and recovers the ledgers), so:
 * <ul>
 *   <li>PREFERRED: a partition's preferred leader is where the controller's balanced placement puts it. The partitions
 *       asked for that have no live leader get one, then they move from the busiest live broker to the least busy
 *       until loads differ by at most one, at once rather than after {@code leader.balance.delay.ms}.</li>
 *   <li>UNCLEAN: only a partition with no live leader gets one, the live broker leading the fewest.</li>
 * </ul>
 * A partition whose leader stays is NOT_NEEDED. Not thread-safe: one election works on its own maps.
 */
final class LeaderElection {
    private LeaderElection() {
    }

    /**
     * Elects leaders in {@code wanted} (changed in place) for {@code asked} ({@code null}: every partition).
     *
     * @param partitions each topic's partition count; a topic missing from it does not exist
     * @return the outcome for each partition asked for, in the order asked (for {@code null}: topic, partition)
     */
    static Map<TopicPartition, ElectionOutcome> run(ElectionType type, Set<TopicPartition> asked,
                                                    Map<String, PartitionLeaders> wanted,
                                                    Map<String, Integer> partitions, List<Integer> live) {
        Map<TopicPartition, ElectionOutcome> outcomes = new LinkedHashMap<>();
        Map<TopicPartition, Integer> before = new HashMap<>();
        Iterable<TopicPartition> candidates = asked != null ? asked : allPartitions(partitions);
        for (TopicPartition tp : candidates) {
            Integer count = partitions.get(tp.topic());
            PartitionLeaders leaders = wanted.get(tp.topic());
            if (count == null || tp.partition() < 0 || tp.partition() >= count || leaders == null
                    || tp.partition() >= leaders.partitions().size()) {
                outcomes.put(tp, ElectionOutcome.UNKNOWN_PARTITION);
            } else {
                before.put(tp, leaders.leader(tp.partition()).brokerId());
                outcomes.put(tp, live.isEmpty() ? ElectionOutcome.NO_ELIGIBLE_LEADER : ElectionOutcome.NOT_NEEDED);
            }
        }
        if (live.isEmpty()) {
            return outcomes;
        }
        LeaderPlacement.placeOrphans(wanted, live, before::containsKey);
        if (type == ElectionType.PREFERRED) {
            LeaderPlacement.balance(wanted, live, before::containsKey);
        }
        before.forEach((tp, broker) -> {
            if (wanted.get(tp.topic()).leader(tp.partition()).brokerId() != broker) {
                outcomes.put(tp, ElectionOutcome.ELECTED);
            }
        });
        return outcomes;
    }

    private static List<TopicPartition> allPartitions(Map<String, Integer> partitions) {
        return new TreeMap<>(partitions).entrySet().stream()
                .flatMap(t -> java.util.stream.IntStream.range(0, t.getValue())
                        .mapToObj(p -> new TopicPartition(t.getKey(), p)))
                .toList();
    }
}
