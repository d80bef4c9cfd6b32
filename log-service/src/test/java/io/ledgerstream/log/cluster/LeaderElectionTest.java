package io.ledgerstream.log.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.metadata.PartitionLeaders.Leader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
    private static Map<String, PartitionLeaders> leaders(Map<String, List<Integer>> brokers) {
        Map<String, PartitionLeaders> leaders = new TreeMap<>();
        brokers.forEach((topic, ids) -> leaders.put(topic,
                new PartitionLeaders(ids.stream().map(id -> new Leader(id, 1)).toList())));
        return leaders;
    }

    private static Map<String, Integer> counts(Map<String, PartitionLeaders> leaders) {
        Map<String, Integer> counts = new HashMap<>();
        leaders.forEach((topic, l) -> counts.put(topic, l.partitions().size()));
        return counts;
    }

    @Test
    void preferredElectionBalancesEveryPartitionOverTheLiveBrokers() {
        Map<String, PartitionLeaders> wanted = leaders(Map.of("a", List.of(0, 0, 0, 0), "b", List.of(0, 0)));
        Map<TopicPartition, ElectionOutcome> outcomes = LeaderElection.run(ElectionType.PREFERRED, null, wanted,
                counts(wanted), List.of(0, 1, 2));
        assertThat(outcomes).hasSize(6);
        assertThat(outcomes.values()).filteredOn(o -> o == ElectionOutcome.ELECTED).hasSize(4);
        Map<Integer, Integer> load = LeaderPlacement.loads(wanted.values(), List.of(0, 1, 2));
        assertThat(load).containsEntry(0, 2).containsEntry(1, 2).containsEntry(2, 2);
        outcomes.forEach((tp, outcome) -> assertThat(
                wanted.get(tp.topic()).leader(tp.partition()).brokerId() != 0)
                .as("%s moved", tp).isEqualTo(outcome == ElectionOutcome.ELECTED));

        Map<TopicPartition, ElectionOutcome> again = LeaderElection.run(ElectionType.PREFERRED, null, wanted,
                counts(wanted), List.of(0, 1, 2));
        assertThat(again.values()).containsOnly(ElectionOutcome.NOT_NEEDED);
    }

    @Test
    void preferredElectionMovesOnlyThePartitionsAskedFor() {
        Map<String, PartitionLeaders> wanted = leaders(Map.of("a", List.of(0, 0, 0, 0)));
        TopicPartition first = new TopicPartition("a", 0);
        Map<TopicPartition, ElectionOutcome> outcomes = LeaderElection.run(ElectionType.PREFERRED,
                Set.of(first, new TopicPartition("a", 9), new TopicPartition("nope", 0)), wanted, counts(wanted),
                List.of(0, 1));
        assertThat(outcomes).containsEntry(first, ElectionOutcome.ELECTED)
                .containsEntry(new TopicPartition("a", 9), ElectionOutcome.UNKNOWN_PARTITION)
                .containsEntry(new TopicPartition("nope", 0), ElectionOutcome.UNKNOWN_PARTITION);
        assertThat(wanted.get("a").partitions()).extracting(Leader::brokerId).containsExactly(1, 0, 0, 0);
    }

    @Test
    void uncleanElectionOnlyGivesPartitionsWithoutALiveLeaderOne() {
        Map<String, PartitionLeaders> wanted = leaders(Map.of("a", List.of(0, 2, 0)));
        Map<TopicPartition, ElectionOutcome> outcomes = LeaderElection.run(ElectionType.UNCLEAN, null, wanted,
                counts(wanted), List.of(0, 1));
        assertThat(outcomes).containsEntry(new TopicPartition("a", 1), ElectionOutcome.ELECTED)
                .containsEntry(new TopicPartition("a", 0), ElectionOutcome.NOT_NEEDED)
                .containsEntry(new TopicPartition("a", 2), ElectionOutcome.NOT_NEEDED);
        assertThat(wanted.get("a").partitions()).extracting(Leader::brokerId).containsExactly(0, 1, 0);
        assertThat(wanted.get("a").leader(1).epoch()).as("the controller bumps epochs when writing").isEqualTo(1);
    }

    @Test
    void withoutLiveBrokersNoLeaderIsEligible() {
        Map<String, PartitionLeaders> wanted = leaders(Map.of("a", List.of(0)));
        assertThat(LeaderElection.run(ElectionType.UNCLEAN, null, wanted, counts(wanted), List.of()))
                .containsExactly(Map.entry(new TopicPartition("a", 0), ElectionOutcome.NO_ELIGIBLE_LEADER));
    }
}
