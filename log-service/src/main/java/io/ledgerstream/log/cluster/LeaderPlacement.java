package io.ledgerstream.log.cluster;

import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.PartitionLeaders.Leader;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Where leaders go: each new one to the live broker that leads the fewest partitions (the lowest id on a tie), and
 * leaders move from the busiest broker to the least busy until no live broker leads more than one partition more
 * than another. This balanced placement is what a partition's preferred leader means here.
 */
final class LeaderPlacement {
    private LeaderPlacement() {
    }

    /** Partitions led by each live broker under {@code assignments}; brokers not live are left out. */
    static Map<Integer, Integer> loads(Collection<PartitionLeaders> assignments, List<Integer> live) {
        Map<Integer, Integer> load = new TreeMap<>();
        live.forEach(id -> load.put(id, 0));
        assignments.forEach(t -> t.partitions().forEach(l -> load.computeIfPresent(l.brokerId(), (k, n) -> n + 1)));
        return load;
    }

    /** The live broker leading the fewest partitions; counts it as leading one more. */
    static int takeLeastLoaded(Map<Integer, Integer> load) {
        int id = leastLoaded(load);
        load.merge(id, 1, Integer::sum);
        return id;
    }

    private static int leastLoaded(Map<Integer, Integer> load) {
        return load.entrySet().stream().min(Map.Entry.<Integer, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
    }

    /**
     * Gives every {@code movable} partition without a live leader the live broker leading the fewest, keeping its
     * epoch (the caller bumps epochs of partitions that changed broker).
     */
    static void placeOrphans(Map<String, PartitionLeaders> wanted, List<Integer> live,
                             Predicate<TopicPartition> movable) {
        Map<Integer, Integer> load = loads(wanted.values(), live);
        for (Map.Entry<String, PartitionLeaders> topic : wanted.entrySet()) {
            List<Leader> leaders = topic.getValue().partitions();
            for (int p = 0; p < leaders.size(); p++) {
                if (!load.containsKey(leaders.get(p).brokerId()) && movable.test(new TopicPartition(topic.getKey(), p))) {
                    int target = takeLeastLoaded(load);
                    topic.setValue(topic.getValue().with(p, new Leader(target, leaders.get(p).epoch())));
                    leaders = topic.getValue().partitions();
                }
            }
        }
    }

    /**
     * Moves {@code movable} leaders, one at a time, from the busiest live broker that leads one to the least busy,
     * while the two differ by more than one. Each move lowers the sum of the squared loads, so it ends.
     */
    static void balance(Map<String, PartitionLeaders> wanted, List<Integer> live, Predicate<TopicPartition> movable) {
        while (true) {
            Map<Integer, Integer> load = loads(wanted.values(), live);
            int idlest = leastLoaded(load);
            List<Integer> busiestFirst = load.keySet().stream()
                    .filter(id -> load.get(id) - load.get(idlest) > 1)
                    .sorted(Comparator.<Integer>comparingInt(load::get).reversed().thenComparing(id -> id))
                    .toList();
            if (!busiestFirst.stream().anyMatch(busy -> moveOne(wanted, busy, idlest, movable))) {
                return;
            }
        }
    }

    /** Moves the last movable partition {@code from} leads to {@code to}; false if it leads none. */
    private static boolean moveOne(Map<String, PartitionLeaders> wanted, int from, int to,
                                   Predicate<TopicPartition> movable) {
        for (Map.Entry<String, PartitionLeaders> topic : wanted.entrySet()) {
            List<Leader> leaders = topic.getValue().partitions();
            for (int p = leaders.size() - 1; p >= 0; p--) {
                if (leaders.get(p).brokerId() == from && movable.test(new TopicPartition(topic.getKey(), p))) {
                    topic.setValue(topic.getValue().with(p, new Leader(to, leaders.get(p).epoch())));
                    return true;
                }
            }
        }
        return false;
    }
}
