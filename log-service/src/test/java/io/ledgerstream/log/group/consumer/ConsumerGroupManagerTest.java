package io.ledgerstream.log.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.ConsumerGroupConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.metrics.GroupMetrics;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The consumer group protocol's rules, on the coordinator's own thread with its timers. */
class ConsumerGroupManagerTest {
    private static final GroupTopic ORDERS = new GroupTopic("orders", Uuid.randomUuid(), 4);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final ConsumerGroupManager manager = new ConsumerGroupManager(thread,
            new ConsumerGroupConfig(400, 100, List.of("uniform", "range"), 100, true,
                    ConsumerGroupConfig.MigrationPolicy.BIDIRECTIONAL), new GroupTopics() {
                @Override
                public Optional<GroupTopic> topic(String name) {
                    return name.equals(ORDERS.name()) ? Optional.of(ORDERS) : Optional.empty();
                }

                @Override
                public Collection<String> names() {
                    return List.of(ORDERS.name());
                }
            }, GroupMetrics.NONE, group -> { });

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private <T> T on(Callable<T> call) throws Exception {
        try {
            return thread.submit(call).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static Heartbeat join(String member, String instance) {
        return new Heartbeat("g", member, 0, instance, null, 1000, List.of("orders"), null, null, PartitionSet.EMPTY,
                "client", "/127.0.0.1");
    }

    private static Heartbeat beat(String member, int epoch, PartitionSet owned) {
        return new Heartbeat("g", member, epoch, null, null, -1, null, null, null, owned, "client", "/127.0.0.1");
    }

    private static Heartbeat leaveForNow(String member, String instance) {
        return new Heartbeat("g", member, Heartbeat.STATIC_LEAVE_EPOCH, instance, null, -1, null, null, null, null,
                "client", "/127.0.0.1");
    }

    /** No partition is held by two members, and every held partition is a real one. */
    private void assertNoPartitionTwice() throws Exception {
        on(() -> {
            Set<String> seen = new HashSet<>();
            for (ConsumerMember m : manager.group("g").orElseThrow().members()) {
                m.held().forEach((t, p) -> assertThat(seen.add(t + "-" + p)).as("%s-%s held twice", t, p).isTrue());
            }
            return null;
        });
    }

    @Test
    void aSecondMemberGetsPartitionsOnlyAfterTheFirstRevokesThem() throws Exception {
        HeartbeatResult first = on(() -> manager.heartbeat(join("m1", null)));
        assertThat(first.memberEpoch()).isEqualTo(1);
        assertThat(first.assignment().size()).isEqualTo(4);

        HeartbeatResult second = on(() -> manager.heartbeat(join("m2", null)));
        assertThat(second.memberEpoch()).as("in the new epoch at once").isEqualTo(2);
        assertThat(second.assignment().isEmpty()).as("its partitions are still m1's").isTrue();
        assertNoPartitionTwice();

        HeartbeatResult revoke = on(() -> manager.heartbeat(beat("m1", 1, null)));
        assertThat(revoke.memberEpoch()).as("m1 keeps its epoch while it revokes").isEqualTo(1);
        assertThat(revoke.assignment().size()).isEqualTo(2);
        assertThat(on(() -> manager.heartbeat(beat("m2", 2, null))).assignment()).as("still nothing new").isNull();

        HeartbeatResult revoked = on(() -> manager.heartbeat(beat("m1", 1, revoke.assignment())));
        assertThat(revoked.memberEpoch()).isEqualTo(2);
        HeartbeatResult taken = on(() -> manager.heartbeat(beat("m2", 2, PartitionSet.EMPTY)));
        assertThat(taken.assignment().size()).isEqualTo(2);
        assertThat(taken.assignment().intersects(revoked.assignment())).isFalse();
        assertNoPartitionTwice();
        assertThat(on(() -> manager.group("g").orElseThrow().state())).isEqualTo("Stable");

        // A commit of m1 still in epoch 1 (its heartbeat moved it on meanwhile) is taken for the partitions it kept,
        // not for one it gave up.
        int kept = revoked.assignment().byTopic().get(ORDERS.id()).first();
        int given = taken.assignment().byTopic().get(ORDERS.id()).first();
        on(() -> {
            manager.validateCommit("g", "m1", 1, Map.of("orders", List.of(kept)), false);
            return null;
        });
        assertThatThrownBy(() -> on(() -> {
            manager.validateCommit("g", "m1", 1, Map.of("orders", List.of(given)), false);
            return null;
        })).isInstanceOf(StaleMemberEpochException.class);
        assertThatThrownBy(() -> on(() -> {
            manager.validateCommit("g", "m2", 1, Map.of("orders", List.of(given)), false);
            return null;
        })).as("m2 was given it in epoch 2").isInstanceOf(StaleMemberEpochException.class);
    }

    @Test
    void staleEpochsAreFencedAndUnknownMembersRefused() throws Exception {
        on(() -> manager.heartbeat(join("m1", null)));
        assertThatThrownBy(() -> on(() -> manager.heartbeat(beat("m1", 7, null))))
                .isInstanceOf(FencedMemberEpochException.class);
        assertThatThrownBy(() -> on(() -> manager.heartbeat(beat("nobody", 1, null))))
                .isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> on(() -> {
            manager.validateCommit("g", "m1", 0, Map.of("orders", List.of(0)), false);
            return null;
        })).isInstanceOf(StaleMemberEpochException.class);
        on(() -> {
            manager.validateCommit("g", "m1", 1, Map.of("orders", List.of(0)), false);
            return null;
        });
        assertThatThrownBy(() -> on(() -> manager.heartbeat(new Heartbeat("g", "m2", 0, null, null, -1,
                List.of("orders"), null, null, PartitionSet.EMPTY, "c", "h"))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("RebalanceTimeoutMs");
        assertThatThrownBy(() -> on(() -> manager.heartbeat(new Heartbeat("g", "m2", 0, null, null, 1000,
                List.of("orders"), null, "sticky", PartitionSet.EMPTY, "c", "h"))))
                .isInstanceOf(UnsupportedAssignorException.class);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAndItsPartitionsGoToTheOthers() throws Exception {
        on(() -> manager.heartbeat(join("m1", null)));
        HeartbeatResult m2 = on(() -> manager.heartbeat(join("m2", null)));
        AtomicReference<HeartbeatResult> latest = new AtomicReference<>(m2);
        AtomicReference<PartitionSet> held = new AtomicReference<>(PartitionSet.EMPTY);
        // Only m2 heartbeats; m1's session (400 ms) runs out and m2 ends up with everything.
        Await.until("m2 holds every partition once m1 timed out", Duration.ofSeconds(10), () -> {
            int epoch = latest.get().memberEpoch();
            PartitionSet report = held.get();
            try {
                latest.set(on(() -> manager.heartbeat(beat("m2", epoch, report))));
            } catch (Exception e) {
                throw new AssertionError("m2's heartbeat failed", e);
            }
            if (latest.get().assignment() != null) {
                held.set(latest.get().assignment());
            }
            return held.get().size() == 4;
        });
        PartitionSet owned = held.get();
        assertThat(owned.size()).isEqualTo(4);
        assertThat(on(() -> manager.group("g").orElseThrow().members()).stream().map(ConsumerMember::memberId))
                .containsExactly("m2");
    }

    @Test
    void aStaticMemberThatLeavesForNowComesBackToItsPartitionsWithoutARebalance() throws Exception {
        HeartbeatResult first = on(() -> manager.heartbeat(join("a", "instance-1")));
        on(() -> manager.heartbeat(new Heartbeat("g", "a", Heartbeat.STATIC_LEAVE_EPOCH, "instance-1", null, -1,
                null, null, null, null, "c", "h")));
        int epoch = on(() -> manager.group("g").orElseThrow().groupEpoch());
        HeartbeatResult back = on(() -> manager.heartbeat(join("b", "instance-1")));
        assertThat(back.memberId()).isEqualTo("b");
        assertThat(back.assignment()).isEqualTo(first.assignment());
        assertThat(back.memberEpoch()).isEqualTo(first.memberEpoch());
        assertThat(on(() -> manager.group("g").orElseThrow().groupEpoch())).as("no new epoch").isEqualTo(epoch);
        assertThatThrownBy(() -> on(() -> manager.heartbeat(join("d", "instance-1"))))
                .isInstanceOf(UnreleasedInstanceIdException.class);
        assertNoPartitionTwice();
    }

    @Test
    void aStaticMemberThatComesBackKeepsItsTargetAssignment() throws Exception {
        HeartbeatResult first = on(() -> manager.heartbeat(join("a", "instance-1")));
        assertThat(first.assignment().size()).isEqualTo(4);
        on(() -> manager.heartbeat(leaveForNow("a", "instance-1")));
        HeartbeatResult back = on(() -> manager.heartbeat(join("b", "instance-1")));
        assertThat(back.assignment()).isEqualTo(first.assignment());
        assertThat(on(() -> manager.group("g").orElseThrow().targetOf("b")))
                .as("the returning member's target assignment").isEqualTo(first.assignment());
    }

    /**
     * The static member leaves while it revokes half its partitions for a new member and comes back at once: once
     * everyone has reconciled, every partition must be assigned again.
     */
    @Test
    void aStaticMemberThatComesBackDuringARevocationLeavesNoPartitionUnassigned() throws Exception {
        on(() -> manager.heartbeat(join("a", "instance-1")));
        HeartbeatResult m2 = on(() -> manager.heartbeat(join("m2", null)));
        assertThat(m2.memberEpoch()).isEqualTo(2);
        HeartbeatResult revoking = on(() -> manager.heartbeat(beat("a", 1, null)));
        assertThat(revoking.assignment().size()).as("a keeps two, revokes two").isEqualTo(2);
        on(() -> manager.heartbeat(leaveForNow("a", "instance-1")));

        HeartbeatResult b = on(() -> manager.heartbeat(join("b", "instance-1")));
        PartitionSet bOwned = b.assignment();
        int bEpoch = b.memberEpoch();
        PartitionSet m2Owned = PartitionSet.EMPTY;
        int m2Epoch = m2.memberEpoch();
        for (int round = 0; round < 10; round++) {
            PartitionSet reportB = bOwned;
            int epochB = bEpoch;
            HeartbeatResult rb = on(() -> manager.heartbeat(beat("b", epochB, reportB)));
            bEpoch = rb.memberEpoch();
            if (rb.assignment() != null) {
                bOwned = rb.assignment();
            }
            PartitionSet reportM2 = m2Owned;
            int epochM2 = m2Epoch;
            HeartbeatResult rm = on(() -> manager.heartbeat(beat("m2", epochM2, reportM2)));
            m2Epoch = rm.memberEpoch();
            if (rm.assignment() != null) {
                m2Owned = rm.assignment();
            }
        }
        assertThat(on(() -> manager.group("g").orElseThrow().state())).isEqualTo("Stable");
        assertThat(bOwned.union(m2Owned).size()).as("partitions consumed by someone: b=%s m2=%s", bOwned, m2Owned)
                .isEqualTo(4);
    }
}
