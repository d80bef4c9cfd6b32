package io.ledgerstream.log.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class AssignorsTest {
    private static final GroupTopic A = new GroupTopic("a", Uuid.randomUuid(), 5);
    private static final GroupTopic B = new GroupTopic("b", Uuid.randomUuid(), 4);
    private static final Map<Uuid, GroupTopic> TOPICS = Map.of(A.id(), A, B.id(), B);

    private static List<MemberSubscription> members(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> new MemberSubscription(id, null, Set.of(A.id(), B.id())))
                .toList();
    }

    /** Every partition of the topics exactly once. */
    private static void assertCoversOnce(Map<String, PartitionSet> assignment, Map<Uuid, GroupTopic> topics) {
        Set<String> seen = new HashSet<>();
        assignment.values().forEach(set -> set.forEach((t, p) -> assertThat(seen.add(t + "-" + p))
                .as("partition %s-%s given twice", t, p).isTrue()));
        assertThat(seen).hasSize(topics.values().stream().mapToInt(GroupTopic::partitions).sum());
    }

    @Test
    void uniformBalancesAndMovesAsLittleAsItCanWhenAMemberJoins() {
        UniformAssignor uniform = new UniformAssignor();
        Map<String, PartitionSet> first = uniform.assign(members("m1", "m2", "m3"), TOPICS, Map.of());
        assertCoversOnce(first, TOPICS);
        first.values().forEach(set -> assertThat(set.size()).isEqualTo(3));

        Map<String, PartitionSet> second = uniform.assign(members("m1", "m2", "m3", "m4"), TOPICS, first);
        assertCoversOnce(second, TOPICS);
        second.values().forEach(set -> assertThat(set.size()).isBetween(2, 3));
        int moved = 0;
        for (String m : List.of("m1", "m2", "m3")) {
            assertThat(first.get(m).containsAll(second.get(m))).as("%s only lost partitions", m).isTrue();
            moved += first.get(m).size() - second.get(m).size();
        }
        assertThat(moved).as("only what the new member takes moves").isEqualTo(second.get("m4").size());
    }

    @Test
    void uniformBalancesMembersOfDifferentSubscriptions() {
        GroupTopic t1 = new GroupTopic("t1", new Uuid(0, 5), 4);
        GroupTopic t2 = new GroupTopic("t2", new Uuid(0, 2), 4);
        Map<Uuid, GroupTopic> topics = Map.of(t1.id(), t1, t2.id(), t2);
        List<MemberSubscription> members = List.of(new MemberSubscription("a", null, Set.of(t1.id(), t2.id())),
                new MemberSubscription("b", null, Set.of(t2.id())));
        Map<String, PartitionSet> assignment = new UniformAssignor().assign(members, topics, Map.of());
        assertCoversOnce(assignment, topics);
        assertThat(assignment.get("a").size()).isEqualTo(4);
        assertThat(assignment.get("b").size()).isEqualTo(4);
    }

    @Test
    void uniformGivesEachPartitionToASubscriber() {
        List<MemberSubscription> members = List.of(new MemberSubscription("only-a", null, Set.of(A.id())),
                new MemberSubscription("both", null, Set.of(A.id(), B.id())));
        Map<String, PartitionSet> assignment = new UniformAssignor().assign(members, TOPICS, Map.of());
        assertCoversOnce(assignment, TOPICS);
        assertThat(assignment.get("only-a").byTopic()).containsOnlyKeys(A.id());
    }

    @Test
    void rangeGivesMembersTheSamePartitionNumbersOfEveryTopic() {
        GroupTopic c = new GroupTopic("c", Uuid.randomUuid(), 5);
        Map<Uuid, GroupTopic> topics = Map.of(A.id(), A, c.id(), c);
        List<MemberSubscription> members = List.of(new MemberSubscription("m2", null, Set.of(A.id(), c.id())),
                new MemberSubscription("m1", null, Set.of(A.id(), c.id())));
        Map<String, PartitionSet> assignment = new RangeAssignor().assign(members, topics, Map.of());
        assertCoversOnce(assignment, topics);
        assertThat(assignment.get("m1").byTopic().get(A.id())).containsExactly(0, 1, 2);
        assertThat(assignment.get("m1").byTopic().get(c.id())).containsExactly(0, 1, 2);
        assertThat(assignment.get("m2").byTopic().get(c.id())).containsExactly(3, 4);
        Map<String, PartitionSet> copy = new HashMap<>(assignment);
        assertThat(new RangeAssignor().assign(members, topics, copy)).isEqualTo(assignment);
    }
}
