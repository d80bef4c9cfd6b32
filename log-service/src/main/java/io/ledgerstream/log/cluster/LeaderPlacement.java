package io.ledgerstream.log.cluster;

import io.ledgerstream.log.metadata.PartitionLeaders;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Where new leaders go: each to the live broker that leads the fewest partitions (the lowest id on a tie). */
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
        int id = load.entrySet().stream().min(Map.Entry.<Integer, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
        load.merge(id, 1, Integer::sum);
        return id;
    }
}
