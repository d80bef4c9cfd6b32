package io.ledgerstream.bench.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One group protocol's measurements against one broker, on a topic of {@value #PARTITIONS} partitions that already
 * holds records in each:
 * <ol>
 *   <li>start-up: {@value #CONSUMERS} consumers of a new group, built beforehand, subscribe at once; the time from
 *       then until every one has received records, and until the group settled with every one having received
 *       records (see {@link GroupView#awaitSettled});
 *   <li>commits/s with {@value #CONSUMERS} committing consumers: the settled members each commit one partition
 *       they own synchronously, in a loop, for the commit window;
 *   <li>an 11th member: from its subscribe until it has received records and the group has settled again, every
 *       partition owned by exactly one of the 11 (the time of the last change of ownership or of its first records,
 *       whichever came later, once ownership stayed as it was for the quiet period);
 *   <li>commits/s with one committing consumer: a new group of one member, once it owns every partition.
 * </ol>
 * Members learn of a rebalance at their next heartbeat, every 3 s under the classic protocol (the client's
 * {@code heartbeat.interval.ms}) and 5 s under the consumer protocol (the broker's
 * {@code group.consumer.heartbeat.interval.ms}), so the 11th's time depends on where in that cycle it joins. It
 * subscribes at a given phase of the cycle: the group's settled time (its last change of ownership, which under the
 * classic protocol is when the members' heartbeat timers restarted) plus whole intervals past the commit window,
 * plus {@code joinPhase} of an interval; the same on every broker. The quiet period that tells a settled group is one
 * heartbeat interval and one second, since the steps of a rebalance come at most one heartbeat apart.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class GroupRun {
    public static final int CONSUMERS = 10;
    public static final int PARTITIONS = 30;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SETTLE_MARGIN = Duration.ofSeconds(1);

    private final String bootstrap;
    private final String topic;
    private final Duration commitWindow;
    private final double joinPhase;

    /** What one run measured; times in milliseconds. */
    public record Figures(String protocol, long startMs, long settledMs, long joinMs, double commitsOne,
                          double commitsTen) {
    }

    /** @param joinPhase where in the heartbeat cycle the 11th member subscribes, from 0 (inclusive) to 1 */
    public GroupRun(String bootstrap, String topic, Duration commitWindow, double joinPhase) {
        if (joinPhase < 0 || joinPhase >= 1) {
            throw new IllegalArgumentException("join phase " + joinPhase + " is not in [0, 1)");
        }
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.commitWindow = commitWindow;
        this.joinPhase = joinPhase;
    }

    /** The heartbeat interval members of {@code protocol} use with both brokers' defaults. */
    public static Duration heartbeatInterval(String protocol) {
        return switch (protocol) {
            case "classic" -> Duration.ofSeconds(3);
            case "consumer" -> Duration.ofSeconds(5);
            default -> throw new IllegalArgumentException("protocol " + protocol + " is neither classic nor consumer");
        };
    }

    /** Runs the four measurements with {@code group.protocol} {@code protocol} (classic or consumer). */
    public Figures run(String protocol) throws Exception {
        long interval = heartbeatInterval(protocol).toNanos();
        Duration quiet = heartbeatInterval(protocol).plus(SETTLE_MARGIN);
        String group = "bench-" + protocol + "-" + System.nanoTime();
        GroupView view = new GroupView(PARTITIONS);
        List<GroupMember> members = new ArrayList<>();
        long startMs;
        long settledMs;
        double ten;
        long joinMs;
        try {
            for (int m = 0; m < CONSUMERS; m++) {
                members.add(new GroupMember(m, bootstrap, group, protocol, topic, view));
            }
            CountDownLatch go = new CountDownLatch(1);
            members.forEach(m -> m.start(go));
            long start = System.nanoTime();
            go.countDown();
            startMs = millis(view.awaitReceived(CONSUMERS, TIMEOUT) - start);
            long settled = view.awaitSettled(CONSUMERS, 0, quiet, TIMEOUT);
            settledMs = millis(settled - start);

            ten = commits(members);

            GroupMember eleventh = new GroupMember(CONSUMERS, bootstrap, group, protocol, topic, view);
            members.add(eleventh);
            CountDownLatch join = new CountDownLatch(1);
            eleventh.start(join);
            long offset = (long) (joinPhase * interval);
            long cycles = Math.floorDiv(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100) - settled - offset,
                    interval) + 1;
            long joinStart = settled + cycles * interval + offset;
            for (long wait = joinStart - System.nanoTime(); wait > 0; wait = joinStart - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            join.countDown();
            joinMs = millis(view.awaitSettled(CONSUMERS + 1, CONSUMERS, quiet, TIMEOUT) - joinStart);
        } finally {
            close(members);
        }
        return new Figures(protocol, startMs, settledMs, joinMs, commitsAlone(protocol), ten);
    }

    private double commitsAlone(String protocol) throws Exception {
        GroupView view = new GroupView(PARTITIONS);
        GroupMember alone = new GroupMember(0, bootstrap, "bench-" + protocol + "-one-" + System.nanoTime(), protocol,
                topic, view);
        try {
            CountDownLatch go = new CountDownLatch(1);
            alone.start(go);
            go.countDown();
            view.awaitSettled(1, 1, Duration.ZERO, TIMEOUT);
            return commits(List.of(alone));
        } finally {
            close(List.of(alone));
        }
    }

    /** Commits/s of the members together over the commit window, which opens for all of them at once. */
    private double commits(List<GroupMember> members) throws Exception {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long end = start + commitWindow.toNanos();
        List<CompletableFuture<Long>> made = members.stream().map(m -> m.commit(start, end)).toList();
        long total = 0;
        for (CompletableFuture<Long> m : made) {
            total += m.get(commitWindow.toSeconds() + TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return total * 1e9 / commitWindow.toNanos();
    }

    private static void close(List<GroupMember> members) throws Exception {
        List<CompletableFuture<Void>> closed = members.stream().map(GroupMember::close).toList();
        CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
