package io.ledgerstream.log.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.ConsumerGroupConfig;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A static member that comes back under a new member id takes over its target assignment with its place. */
class StaticMemberReturnTest {
    private static final GroupTopic ORDERS = new GroupTopic("orders", Uuid.randomUuid(), 4);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final ConsumerGroupManager manager = new ConsumerGroupManager(thread,
            new ConsumerGroupConfig(30_000, 100, List.of("uniform", "range"), 100), new GroupTopics() {
                @Override
                public Optional<GroupTopic> topic(String name) {
                    return name.equals(ORDERS.name()) ? Optional.of(ORDERS) : Optional.empty();
                }

                @Override
                public Collection<String> names() {
                    return List.of(ORDERS.name());
                }
            });

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
        return new Heartbeat("g", member, 0, instance, null, 30_000, List.of("orders"), null, null,
                PartitionSet.EMPTY, "client", "/127.0.0.1");
    }

    private static Heartbeat beat(String member, int epoch, PartitionSet owned) {
        return new Heartbeat("g", member, epoch, null, null, -1, null, null, null, owned, "client", "/127.0.0.1");
    }

    private static Heartbeat leaveForNow(String member, String instance) {
        return new Heartbeat("g", member, Heartbeat.STATIC_LEAVE_EPOCH, instance, null, -1, null, null, null, null,
                "client", "/127.0.0.1");
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
