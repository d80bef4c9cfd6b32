package io.ledgerstream.log.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.ConsumerGroupConfig;
import io.ledgerstream.log.config.ConsumerGroupConfig.MigrationPolicy;
import io.ledgerstream.log.metrics.GroupMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Members of the classic protocol in a consumer group, on the coordinator's own thread: a classic group adopted with
 * its assignment, the classic members' way through a rebalance (heartbeat, join with what they own, sync), and the
 * way back to a classic group when the last member of the consumer protocol leaves.
 */
class ClassicProtocolMembersTest {
    private static final GroupTopic ORDERS = new GroupTopic("orders", Uuid.randomUuid(), 4);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final List<ConsumerGroup> downgraded = new ArrayList<>();

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private ConsumerGroupManager manager(MigrationPolicy policy) {
        return new ConsumerGroupManager(thread, new ConsumerGroupConfig(4000, 100, List.of("uniform"), 100, true,
                policy), new GroupTopics() {
                    @Override
                    public Optional<GroupTopic> topic(String name) {
                        return name.equals(ORDERS.name()) ? Optional.of(ORDERS) : Optional.empty();
                    }

                    @Override
                    public Collection<String> names() {
                        return List.of(ORDERS.name());
                    }
                }, GroupMetrics.NONE, downgraded::add);
    }

    private <T> T on(Callable<T> call) throws Exception {
        try {
            return thread.submit(call).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static byte[] subscription(int... owned) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p : owned) {
            partitions.add(new TopicPartition("orders", p));
        }
        return bytes(ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(
                List.of("orders"), null, partitions)));
    }

    private static byte[] assignment(int... partitions) {
        List<TopicPartition> named = new ArrayList<>();
        for (int p : partitions) {
            named.add(new TopicPartition("orders", p));
        }
        return bytes(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(named)));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] array = new byte[buffer.remaining()];
        buffer.get(array);
        return array;
    }

    private static List<Integer> partitionsOf(byte[] assignment) {
        return ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions().stream()
                .map(TopicPartition::partition).sorted().toList();
    }

    private static ClassicMember classic(String id, int generation, int... partitions) {
        return new ClassicMember(id, null, "client", "/127.0.0.1", 3000,
                new ClassicMetadata(3000, Map.of("range", subscription(partitions))), generation,
                assignment(partitions));
    }

    private static ClassicProtocolMembers.Join rejoin(String id, int... owned) {
        return new ClassicProtocolMembers.Join("g", id, null, "client", "/127.0.0.1", 3000, 3000, "consumer",
                Map.of("range", subscription(owned)), true);
    }

    private static Heartbeat join(String member) {
        return new Heartbeat("g", member, 0, null, null, 1000, List.of("orders"), null, null, PartitionSet.EMPTY,
                "client", "/127.0.0.1");
    }

    @Test
    void anAdoptedClassicGroupMakesRoomForANewMemberThroughItsClassicMembersRejoining() throws Exception {
        ConsumerGroupManager manager = manager(MigrationPolicy.BIDIRECTIONAL);
        ClassicProtocolMembers classic = manager.classicMembers();
        on(() -> {
            classic.adopt("g", 5, List.of(classic("c1", 5, 0, 1, 2, 3)));
            return null;
        });
        assertThat(on(() -> classic.heartbeat("g", "c1", null, 5))).as("stable as it was").isEqualTo(Errors.NONE);
        assertThatThrownBy(() -> on(() -> classic.heartbeat("g", "c1", null, 4)))
                .isInstanceOf(IllegalGenerationException.class);

        HeartbeatResult joined = on(() -> manager.heartbeat(join("new")));
        assertThat(joined.memberEpoch()).isEqualTo(6);
        assertThat(joined.assignment().isEmpty()).as("every partition is still a classic member's").isTrue();
        assertThat(on(() -> classic.heartbeat("g", "c1", null, 5))).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        // c1 joins again still owning all four: it keeps its generation and must first revoke two.
        ClassicProtocolMembers.Joined revoking = on(() -> classic.join(rejoin("c1", 0, 1, 2, 3)));
        assertThat(revoking.generation()).isEqualTo(5);
        assertThat(revoking.protocolName()).isEqualTo("range");
        byte[] kept = on(() -> classic.sync("g", "c1", null, 5, "consumer", "range"));
        assertThat(partitionsOf(kept)).hasSize(2);
        assertThat(on(() -> classic.heartbeat("g", "c1", null, 5))).as("it must join again once revoked")
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        int[] keptPartitions = partitionsOf(kept).stream().mapToInt(Integer::intValue).toArray();
        ClassicProtocolMembers.Joined moved = on(() -> classic.join(rejoin("c1", keptPartitions)));
        assertThat(moved.generation()).isEqualTo(6);
        assertThat(partitionsOf(on(() -> classic.sync("g", "c1", null, 6, "consumer", "range"))))
                .isEqualTo(partitionsOf(kept));
        assertThat(on(() -> classic.heartbeat("g", "c1", null, 6))).isEqualTo(Errors.NONE);

        HeartbeatResult taken = on(() -> manager.heartbeat(new Heartbeat("g", "new", 6, null, null, -1, null, null,
                null, PartitionSet.EMPTY, "client", "/127.0.0.1")));
        assertThat(taken.assignment().size()).as("the partitions c1 gave up").isEqualTo(2);
        assertThatThrownBy(() -> on(() -> {
            manager.validateCommit("g", "c1", 4, Map.of("orders", List.of(keptPartitions[0])), false);
            return null;
        })).as("a classic member's stale commit is an illegal generation").isInstanceOf(
                IllegalGenerationException.class);
    }

    @Test
    void aClassicMemberSyncingBehindTheGroupIsToldToJoinAgain() throws Exception {
        ConsumerGroupManager manager = manager(MigrationPolicy.BIDIRECTIONAL);
        ClassicProtocolMembers classic = manager.classicMembers();
        on(() -> {
            classic.adopt("g", 3, List.of(classic("c1", 3, 0, 1, 2, 3)));
            return null;
        });
        on(() -> manager.heartbeat(join("new")));
        assertThatThrownBy(() -> on(() -> classic.sync("g", "c1", null, 3, "consumer", "range")))
                .isInstanceOf(RebalanceInProgressException.class);
        assertThatThrownBy(() -> on(() -> classic.join(new ClassicProtocolMembers.Join("g", "c1", null, "client",
                "/127.0.0.1", 3000, 3000, "connect", Map.of("range", subscription()), true))))
                .isInstanceOf(InconsistentGroupProtocolException.class);
        assertThatThrownBy(() -> on(() -> classic.join(new ClassicProtocolMembers.Join("g", "c1", null, "client",
                "/127.0.0.1", 3000, 3000, "consumer", Map.of("range", new byte[] {9, 9, 9}), true))))
                .isInstanceOf(InconsistentGroupProtocolException.class).hasMessageContaining("subscription");
    }

    @Test
    void theGroupTurnsClassicWhenItsLastMemberOfTheConsumerProtocolLeaves() throws Exception {
        ConsumerGroupManager manager = manager(MigrationPolicy.BIDIRECTIONAL);
        on(() -> {
            manager.classicMembers().adopt("g", 2, List.of(classic("c1", 2, 0, 1, 2, 3)));
            return null;
        });
        HeartbeatResult joined = on(() -> manager.heartbeat(join("new")));
        on(() -> manager.heartbeat(new Heartbeat("g", "new", Heartbeat.LEAVE_EPOCH, null, null, -1, null, null, null,
                null, "client", "/127.0.0.1")));
        assertThat(downgraded).hasSize(1);
        List<ClassicMember> members = on(() -> manager.classicMembers().release(downgraded.get(0)));
        assertThat(members).extracting(ClassicMember::memberId).containsExactly("c1");
        assertThat(partitionsOf(members.get(0).assignment())).containsExactly(0, 1, 2, 3);
        assertThat(members.get(0).generation()).isEqualTo(2);
        assertThat(manager.group("g")).as("no longer a consumer group").isEmpty();
        assertThat(joined.memberEpoch()).isEqualTo(3);
    }

    @Test
    void staticMembersRollFromOneProtocolToTheOtherUnderTheirInstanceIds() throws Exception {
        ConsumerGroupManager manager = manager(MigrationPolicy.BIDIRECTIONAL);
        ClassicProtocolMembers classic = manager.classicMembers();
        on(() -> {
            classic.adopt("g", 2, List.of(new ClassicMember("c1", "i1", "client", "/127.0.0.1", 3000,
                    new ClassicMetadata(3000, Map.of("range", subscription(0, 1, 2, 3))), 2, assignment(0, 1, 2, 3))));
            return null;
        });
        // i1 restarts on the consumer protocol without leaving first: it takes c1's place and partitions.
        HeartbeatResult upgraded = on(() -> manager.heartbeat(new Heartbeat("g", "n1", 0, "i1", null, 1000,
                List.of("orders"), null, null, PartitionSet.EMPTY, "client", "/127.0.0.1")));
        assertThat(upgraded.assignment().size()).isEqualTo(4);
        assertThat(on(() -> manager.group("g").orElseThrow().members().stream().map(ConsumerMember::memberId)
                .toList())).containsExactly("n1");

        on(() -> {
            ClassicProtocolMembers.Joined c2 = classic.join(new ClassicProtocolMembers.Join("g", "c2", null,
                    "client", "/127.0.0.1", 3000, 3000, "consumer", Map.of("range", subscription()), true));
            return c2;
        });
        // i1 rolls back to the classic protocol: the last member of the consumer protocol is replaced.
        ClassicProtocolMembers.Joined back = on(() -> classic.join(new ClassicProtocolMembers.Join("g", "", "i1",
                "client", "/127.0.0.1", 3000, 3000, "consumer", Map.of("range", subscription(0, 1, 2, 3)), true)));
        assertThat(back.error()).isEqualTo(Errors.NONE);
        assertThat(downgraded).as("the group turned classic").hasSize(1);
        List<ClassicMember> members = on(() -> classic.release(downgraded.get(0)));
        assertThat(members).extracting(ClassicMember::instanceId).containsExactlyInAnyOrder("i1", null);
    }

    @Test
    void anAdoptedMemberStillOwningPartitionsItWasNotAssignedHoldsThemUntilItRevokes() throws Exception {
        ConsumerGroupManager manager = manager(MigrationPolicy.BIDIRECTIONAL);
        ClassicProtocolMembers classic = manager.classicMembers();
        on(() -> {
            // c1 was assigned 0 and 1 but has not joined since: it still owns 2, which nobody else was given.
            classic.adopt("g", 4, List.of(new ClassicMember("c1", null, "client", "/127.0.0.1", 3000,
                    new ClassicMetadata(3000, Map.of("cooperative-sticky", subscription(0, 1, 2))), 4,
                    assignment(0, 1))));
            return null;
        });
        assertThat(on(() -> classic.heartbeat("g", "c1", null, 4))).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        HeartbeatResult joined = on(() -> manager.heartbeat(join("new")));
        assertThat(joined.assignment().isEmpty()).as("2 is still c1's, 3 waits for the new epoch's target").isFalse();
        on(() -> {
            Set<String> seen = new HashSet<>();
            for (ConsumerMember m : manager.group("g").orElseThrow().members()) {
                m.held().forEach((t, p) -> assertThat(seen.add(t + "-" + p)).as("%s held twice", p).isTrue());
            }
            return null;
        });
        assertThat(on(() -> manager.group("g").orElseThrow().members().stream()
                .filter(m -> m.memberId().equals("new")).findFirst().orElseThrow().assigned().contains(ORDERS.id(), 2)))
                .as("not given while c1 owns it").isFalse();
        assertThatThrownBy(() -> on(() -> classic.join(new ClassicProtocolMembers.Join("g", "c9", null, "client",
                "/127.0.0.1", 3000, 3000, "consumer", Map.of("range", subscription()), true))))
                .as("no assignor in common with c1").isInstanceOf(InconsistentGroupProtocolException.class);
    }

    @Test
    void withoutMigrationTheGroupStaysAsItIs() throws Exception {
        ConsumerGroupManager manager = manager(MigrationPolicy.DISABLED);
        assertThat(manager.classicMembers().mayAdopt("consumer", 2)).isFalse();
        assertThat(manager(MigrationPolicy.UPGRADE).classicMembers().mayAdopt("connect", 2))
                .as("only consumers' groups").isFalse();
        on(() -> {
            manager.classicMembers().adopt("g", 2, List.of(classic("c1", 2, 0, 1, 2, 3)));
            return null;
        });
        on(() -> manager.heartbeat(join("new")));
        on(() -> manager.heartbeat(new Heartbeat("g", "new", Heartbeat.LEAVE_EPOCH, null, null, -1, null, null, null,
                null, "client", "/127.0.0.1")));
        assertThat(downgraded).isEmpty();
        assertThat(manager.group("g")).isPresent();
        assertThatThrownBy(() -> on(() -> {
            manager.classicMembers().adopt("h", 1, List.of(new ClassicMember("x", null, "client", "/127.0.0.1",
                    3000, new ClassicMetadata(3000, Map.of("range", new byte[] {1})), 1, new byte[0])));
            return null;
        })).isInstanceOf(GroupIdNotFoundException.class);
        assertThat(manager.group("h")).as("nothing adopted").isEmpty();
    }
}
