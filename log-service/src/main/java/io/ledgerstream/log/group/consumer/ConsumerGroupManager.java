package io.ledgerstream.log.group.consumer;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.ledgerstream.log.config.ConsumerGroupConfig;
import io.ledgerstream.log.metrics.GroupMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer groups (KIP-848) of one coordinator: heartbeats that join, update, and leave; the group epoch bumped
 * by every change of members, subscriptions or subscribed topics; the target assignment computed by the group's
 * server-side assignor; each member brought to it by {@link ConsumerGroup#reconcile}; and the timers that remove a
 * member that stops heartbeating (session timeout) or does not revoke in time (its rebalance timeout). Membership
 * lives in memory: when the coordinator moves, members are told UNKNOWN_MEMBER_ID and join again; their committed
 * offsets are durable apart.
 *
 * <p>Not thread-safe: every call comes on the group coordinator's thread, which the timers use too. Failures are
 * thrown as Kafka's typed exceptions, which the caller answers with their error codes.
 */
public final class ConsumerGroupManager {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupManager.class);

    private final ScheduledExecutorService thread;
    final ConsumerGroupConfig config;
    final GroupTopics topics;
    private final Map<String, ConsumerAssignor> assignors = new HashMap<>();
    final Map<String, ConsumerGroup> groups = new HashMap<>();
    private final GroupMetrics metrics;
    private final Consumer<ConsumerGroup> downgrade;
    private final ClassicProtocolMembers classicMembers = new ClassicProtocolMembers(this);

    /**
     * @param metrics   counts the target assignments computed, as rebalances of the consumer protocol
     * @param downgrade called when the last member of the consumer protocol leaves a group whose other members all
     *                  speak the classic protocol and the migration policy allows a downgrade: it takes the group
     *                  over as a classic group (with {@link ClassicProtocolMembers#release})
     */
    public ConsumerGroupManager(ScheduledExecutorService thread, ConsumerGroupConfig config, GroupTopics topics,
                                GroupMetrics metrics, Consumer<ConsumerGroup> downgrade) {
        this.thread = thread;
        this.config = config;
        this.topics = topics;
        this.metrics = metrics;
        this.downgrade = downgrade;
        for (ConsumerAssignor assignor : List.of(new UniformAssignor(), new RangeAssignor())) {
            if (config.assignors().contains(assignor.name())) {
                assignors.put(assignor.name(), assignor);
            }
        }
    }

    /** The classic protocol's requests to consumer groups, and the conversions between the kinds of group. */
    public ClassicProtocolMembers classicMembers() {
        return classicMembers;
    }

    public Optional<ConsumerGroup> group(String groupId) {
        return Optional.ofNullable(groups.get(groupId));
    }

    public Collection<ConsumerGroup> groups() {
        return groups.values();
    }

    /** The group as ConsumerGroupDescribe shows it, if it is a consumer group. */
    public Optional<ConsumerGroupDescription> describe(String groupId) {
        return group(groupId).map(ConsumerGroupDescription::of);
    }

    /** Members of all consumer groups here. */
    public int memberCount() {
        int members = 0;
        for (ConsumerGroup group : groups.values()) {
            members += group.members.size();
        }
        return members;
    }

    /** Whether {@code groupId} is a consumer group with members. */
    public boolean hasMembers(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        return group != null && !group.members.isEmpty();
    }

    /** Forgets a group without members (deleted, or turned into a classic group); false if it has members. */
    public boolean remove(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        if (group != null && !group.members.isEmpty()) {
            return false;
        }
        groups.remove(groupId);
        return true;
    }

    public HeartbeatResult heartbeat(Heartbeat request) {
        validate(request);
        return switch (request.memberEpoch()) {
            case Heartbeat.LEAVE_EPOCH -> leave(request);
            case Heartbeat.STATIC_LEAVE_EPOCH -> leaveForNow(request);
            case 0 -> join(request);
            default -> beat(request);
        };
    }

    /** Checks a heartbeat's fields as a whole, before it changes anything. */
    public void validate(Heartbeat request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            throw new InvalidRequestException("GroupId can't be empty");
        }
        if (request.instanceId() != null && request.instanceId().isEmpty()) {
            throw new InvalidRequestException("InstanceId can't be empty");
        }
        if (request.memberEpoch() == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in the first request");
            }
            if (request.owned() == null || !request.owned().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining");
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                throw new InvalidRequestException("SubscribedTopicNames or SubscribedTopicRegex must be set in the "
                        + "first request");
            }
        } else if (request.memberEpoch() < Heartbeat.STATIC_LEAVE_EPOCH) {
            throw new InvalidRequestException("MemberEpoch " + request.memberEpoch() + " is not valid");
        } else if (request.memberId() == null || request.memberId().isEmpty()) {
            throw new InvalidRequestException("MemberId can't be empty");
        }
        if (request.memberEpoch() == Heartbeat.STATIC_LEAVE_EPOCH && request.instanceId() == null) {
            throw new InvalidRequestException("InstanceId can't be null when a static member leaves for now");
        }
        if (request.serverAssignor() != null && !assignors.containsKey(request.serverAssignor())) {
            throw new UnsupportedAssignorException("ServerAssignor " + request.serverAssignor()
                    + " is not supported; the supported assignors are " + String.join(", ", config.assignors()));
        }
        if (request.subscribedTopicRegex() != null) {
            try {
                Pattern.compile(request.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new InvalidRegularExpression("SubscribedTopicRegex " + request.subscribedTopicRegex()
                        + " is not a valid regular expression: " + e.getDescription());
            }
        }
    }

    ConsumerMember member(ConsumerGroup group, String memberId) {
        ConsumerMember member = group == null ? null : group.members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not in group "
                    + (group == null ? "(none)" : group.groupId()));
        }
        return member;
    }

    private HeartbeatResult join(Heartbeat request) {
        ConsumerGroup group = groups.computeIfAbsent(request.groupId(), ConsumerGroup::new);
        String memberId = request.memberId() == null || request.memberId().isEmpty()
                ? Uuid.randomUuid().toString() : request.memberId();
        ConsumerMember previous = null;
        if (request.instanceId() != null && group.staticMembers.containsKey(request.instanceId())) {
            previous = group.members.get(group.staticMembers.get(request.instanceId()));
            // A classic member is replaced at once: an application rolled to the new protocol restarts under its
            // instance id without leaving first.
            if (previous.classic == null && previous.memberEpoch != Heartbeat.STATIC_LEAVE_EPOCH
                    && !previous.memberId().equals(memberId)) {
                throw new UnreleasedInstanceIdException("Static member " + previous.memberId() + " with instance id "
                        + request.instanceId() + " is still in group " + group.groupId());
            }
        } else if (group.members.containsKey(memberId)) {
            // A member fenced or lost joins again under its id: it starts over.
            removeMember(group, group.members.get(memberId), "joined again", false);
        }
        if (previous == null) {
            checkRoom(group);
        }
        ConsumerMember member = new ConsumerMember(memberId, request.instanceId(), request.clientId(),
                request.clientHost());
        update(member, request);
        boolean changed = true;
        if (previous != null) {
            // A static member coming back takes its place over, with its epoch and partitions: no rebalance unless
            // its subscription changed.
            changed = !previous.subscribedTopicNames.equals(member.subscribedTopicNames)
                    || !Objects.equals(previous.subscribedTopicRegex, member.subscribedTopicRegex)
                    || !Objects.equals(previous.serverAssignor, member.serverAssignor)
                    || !Objects.equals(previous.rackId, member.rackId);
            takeOver(group, previous, member);
        } else {
            group.add(member);
        }
        return answer(group, member, request, changed);
    }

    void takeOver(ConsumerGroup group, ConsumerMember previous, ConsumerMember member) {
        PartitionSet target = group.target.get(previous.memberId());
        cancelTimers(previous);
        group.remove(previous);
        int epoch = previous.memberEpoch == Heartbeat.STATIC_LEAVE_EPOCH ? previous.previousMemberEpoch
                : previous.memberEpoch;
        member.memberEpoch = Math.max(0, epoch);
        member.assigned = previous.assigned;
        member.assignedEpochs = previous.assignedEpochs;
        member.pendingRevocation = previous.pendingRevocation;
        member.state = previous.state;
        group.add(member);
        group.hold(member, member.held());
        if (target != null) {
            group.target.put(member.memberId(), target);
        }
    }

    void checkRoom(ConsumerGroup group) {
        if (group.members.size() >= config.maxSize()) {
            throw new GroupMaxSizeReachedException("Group " + group.groupId() + " has reached its maximum size "
                    + config.maxSize());
        }
    }

    private HeartbeatResult beat(Heartbeat request) {
        ConsumerGroup group = groups.get(request.groupId());
        ConsumerMember member = member(group, request.memberId());
        if (member.classic != null) {
            throw new UnknownMemberIdException("Member " + member.memberId() + " of group " + group.groupId()
                    + " speaks the classic protocol; it heartbeats with Heartbeat, not ConsumerGroupHeartbeat");
        }
        if (member.memberEpoch == Heartbeat.STATIC_LEAVE_EPOCH || request.memberEpoch() != member.memberEpoch
                && !(request.memberEpoch() == member.previousMemberEpoch && request.owned() != null
                && member.assigned.containsAll(request.owned()))) {
            throw new FencedMemberEpochException("Member " + member.memberId() + " of group " + group.groupId()
                    + " sent epoch " + request.memberEpoch() + "; its epoch is " + member.memberEpoch);
        }
        return answer(group, member, request, update(member, request));
    }

    /** A member leaves: its partitions are free for the others at once. */
    private HeartbeatResult leave(Heartbeat request) {
        ConsumerGroup group = groups.get(request.groupId());
        ConsumerMember member = member(group, request.memberId());
        removeMember(group, member, "left", true);
        return new HeartbeatResult(member.memberId(), Heartbeat.LEAVE_EPOCH, config.heartbeatIntervalMs(), null);
    }

    /** A static member leaves for now: it keeps its place and partitions until its session times out. */
    private HeartbeatResult leaveForNow(Heartbeat request) {
        ConsumerGroup group = groups.get(request.groupId());
        ConsumerMember member = member(group, request.memberId());
        if (member.memberEpoch != Heartbeat.STATIC_LEAVE_EPOCH) {
            member.previousMemberEpoch = member.memberEpoch;
        }
        member.memberEpoch = Heartbeat.STATIC_LEAVE_EPOCH;
        // What it was still revoking goes to its new holders at once; what it owns waits for its return.
        group.release(member, member.pendingRevocation);
        member.pendingRevocation = PartitionSet.EMPTY;
        if (member.state == MemberState.UNREVOKED_PARTITIONS) {
            member.state = MemberState.STABLE;
        }
        cancel(member.revocationTimer);
        armSession(group, member);
        return new HeartbeatResult(member.memberId(), Heartbeat.STATIC_LEAVE_EPOCH, config.heartbeatIntervalMs(), null);
    }

    /** Applies the fields a heartbeat sent; true if the group needs a new assignment for them. */
    private static boolean update(ConsumerMember member, Heartbeat request) {
        boolean changed = false;
        if (request.rackId() != null && !request.rackId().equals(member.rackId)) {
            member.rackId = request.rackId();
            changed = true;
        }
        if (request.rebalanceTimeoutMs() != -1) {
            member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        }
        if (request.subscribedTopicNames() != null
                && !request.subscribedTopicNames().equals(member.subscribedTopicNames)) {
            member.subscribedTopicNames = List.copyOf(request.subscribedTopicNames());
            changed = true;
        }
        member.describable = request.describable();
        if (request.subscribedTopicRegex() != null
                && !request.subscribedTopicRegex().equals(member.subscribedTopicRegex)) {
            member.subscribedTopicRegex = request.subscribedTopicRegex().isEmpty() ? null
                    : request.subscribedTopicRegex();
            member.subscribedPattern = member.subscribedTopicRegex == null ? null
                    : Pattern.compile(member.subscribedTopicRegex);
            changed = true;
        }
        if (request.serverAssignor() != null && !request.serverAssignor().equals(member.serverAssignor)) {
            member.serverAssignor = request.serverAssignor();
            changed = true;
        }
        return changed;
    }

    /**
     * Brings the group's assignment up to date (a new epoch and target when the group, as {@code changed} says, or
     * its subscribed topics changed), moves the member towards its target and answers it.
     */
    private HeartbeatResult answer(ConsumerGroup group, ConsumerMember member, Heartbeat request, boolean changed) {
        advance(group, member, changed, request.owned());
        PartitionSet assignment = null;
        if (request.memberEpoch() == 0 || request.owned() != null || !member.assigned.equals(member.sent)) {
            assignment = member.assigned;
            member.sent = member.assigned;
        }
        return new HeartbeatResult(member.memberId(), member.memberEpoch, config.heartbeatIntervalMs(), assignment);
    }

    /**
     * Brings the group's assignment up to date (a new epoch and target when the group, as {@code changed} says, or
     * its subscribed topics changed) and moves the member towards its target, re-arming its timers.
     *
     * @param owned the partitions the member says it owns, or null when it did not say
     */
    void advance(ConsumerGroup group, ConsumerMember member, boolean changed, PartitionSet owned) {
        Map<Uuid, GroupTopic> subscribed = subscribedTopics(group);
        if (changed || !subscribed.equals(group.subscribedTopics)) {
            group.subscribedTopics = subscribed;
            group.groupEpoch++;
        }
        if (group.assignmentEpoch < group.groupEpoch) {
            assign(group);
        }
        PartitionSet revokingBefore = member.pendingRevocation;
        group.reconcile(member, owned);
        if (member.state == MemberState.UNREVOKED_PARTITIONS && !member.pendingRevocation.equals(revokingBefore)) {
            armRevocation(group, member);
        } else if (member.state != MemberState.UNREVOKED_PARTITIONS && member.revocationTimer != null) {
            member.revocationTimer.cancel(false);
            member.revocationTimer = null;
        }
        armSession(group, member);
    }

    /** The existing topics the members subscribe to, by name or by regular expression. */
    Map<Uuid, GroupTopic> subscribedTopics(ConsumerGroup group) {
        Map<Uuid, GroupTopic> subscribed = new HashMap<>();
        for (ConsumerMember member : group.members.values()) {
            for (String name : namesOf(member)) {
                topics.topic(name).ifPresent(t -> subscribed.put(t.id(), t));
            }
        }
        return subscribed;
    }

    private Set<String> namesOf(ConsumerMember member) {
        Set<String> names = new LinkedHashSet<>(member.subscribedTopicNames);
        if (member.subscribedPattern != null) {
            // As Kafka 4: a pattern matches only the topics the member's principal may describe.
            topics.names().stream().filter(n -> member.subscribedPattern.matcher(n).matches())
                    .filter(member.describable).forEach(names::add);
        }
        return names;
    }

    /** A new target assignment for the group's epoch, by the assignor most of its members ask for. */
    private void assign(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        group.members.values().stream().map(m -> m.serverAssignor).filter(Objects::nonNull)
                .forEach(a -> votes.merge(a, 1, Integer::sum));
        String chosen = votes.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(config.assignors().get(0));
        List<MemberSubscription> subscriptions = new ArrayList<>();
        for (ConsumerMember member : group.members.values()) {
            Set<Uuid> ids = new LinkedHashSet<>();
            for (String name : namesOf(member)) {
                topics.topic(name).ifPresent(t -> ids.add(t.id()));
            }
            subscriptions.add(new MemberSubscription(member.memberId(), member.rackId, ids));
        }
        group.target = new HashMap<>(assignors.get(chosen).assign(subscriptions, group.subscribedTopics,
                group.target));
        group.assignorName = chosen;
        group.assignmentEpoch = group.groupEpoch;
        metrics.rebalanced(GroupMetrics.CONSUMER);
        LOG.debug("Group {} epoch {}: new target assignment by {} for {} member(s)", group.groupId(),
                group.groupEpoch, chosen, group.members.size());
    }

    /**
     * Removes a member and starts a new group epoch; when {@code mayDowngrade} and the member was the last of the
     * consumer protocol among members of the classic one, the group goes to the classic protocol instead.
     */
    void removeMember(ConsumerGroup group, ConsumerMember member, String why, boolean mayDowngrade) {
        cancelTimers(member);
        group.remove(member);
        if (mayDowngrade && member.classic == null
                && maybeDowngrade(group, "member " + member.memberId() + " " + why)) {
            return;
        }
        group.groupEpoch++;
        LOG.info("Member {} of consumer group {} {}; group epoch {}", member.memberId(), group.groupId(), why,
                group.groupEpoch);
    }

    /**
     * Hands the group over to become a classic group if every member speaks the classic protocol, with an assignor
     * in common, and the migration policy allows it.
     *
     * @return whether it was handed over (it is no longer a consumer group)
     */
    boolean maybeDowngrade(ConsumerGroup group, String why) {
        if (!group.classicWithCommonProtocol() || !config.migration().downgrades()) {
            return false;
        }
        LOG.info("Consumer group {}: {}; its members all speak the classic protocol, so it becomes a classic group",
                group.groupId(), why);
        downgrade.accept(group);
        return true;
    }

    /** (Re)starts the member's session: the group's session timeout, or a classic member's own. */
    void armSession(ConsumerGroup group, ConsumerMember member) {
        cancel(member.sessionTimer);
        int timeoutMs = member.classic == null ? config.sessionTimeoutMs() : member.classic.sessionTimeoutMs();
        member.sessionTimer = thread.schedule(() -> {
            if (group.members.get(member.memberId()) == member && groups.get(group.groupId()) == group) {
                removeMember(group, member, "timed out (no heartbeat for " + timeoutMs + " ms)", true);
            }
        }, Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
    }

    void armRevocation(ConsumerGroup group, ConsumerMember member) {
        cancel(member.revocationTimer);
        int epoch = member.memberEpoch;
        member.revocationTimer = thread.schedule(() -> {
            if (group.members.get(member.memberId()) == member && groups.get(group.groupId()) == group
                    && member.memberEpoch == epoch && member.state == MemberState.UNREVOKED_PARTITIONS) {
                removeMember(group, member, "did not revoke its partitions within its rebalance timeout of "
                        + member.rebalanceTimeoutMs + " ms", true);
            }
        }, Math.max(1, member.rebalanceTimeoutMs), TimeUnit.MILLISECONDS);
    }

    static void cancelTimers(ConsumerMember member) {
        cancel(member.sessionTimer);
        cancel(member.revocationTimer);
    }

    private static void cancel(Future<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * Checks an offset commit against a consumer group: a member commits in its current epoch, or in an earlier one
     * for partitions it has held since that epoch or before (its heartbeat may have moved it to a new epoch while
     * the commit was on its way; it owned those partitions all along, which Kafka's later KIP-1251 also accepts). With
     * a negative epoch, only an empty group takes commits (tools resetting offsets).
     *
     * @param topics        the committed partitions' topic names with their partitions
     * @param transactional a TxnOffsetCommit, whose stale epoch is ILLEGAL_GENERATION rather than STALE_MEMBER_EPOCH
     */
    public void validateCommit(String groupId, String memberId, int memberEpoch,
                               Map<String, ? extends Collection<Integer>> topics, boolean transactional) {
        ConsumerGroup group = groups.get(groupId);
        if (group == null || (memberEpoch < 0 && group.members.isEmpty())) {
            return;
        }
        ConsumerMember member = member(group, memberId);
        if (memberEpoch == member.memberEpoch || (memberEpoch >= 0 && memberEpoch < member.memberEpoch
                && heldSince(member, memberEpoch, topics))) {
            return;
        }
        String message = "Member " + memberId + " of group " + groupId + " committed in epoch " + memberEpoch
                + "; its epoch is " + member.memberEpoch;
        // A member of the classic protocol knows generations, not member epochs.
        throw transactional || member.classic != null ? new IllegalGenerationException(message)
                : new StaleMemberEpochException(message);
    }

    /** Whether the member holds every one of these partitions and was given each in {@code epoch} or before. */
    private boolean heldSince(ConsumerMember member, int epoch, Map<String, ? extends Collection<Integer>> topics) {
        for (Map.Entry<String, ? extends Collection<Integer>> topic : topics.entrySet()) {
            Optional<GroupTopic> known = this.topics.topic(topic.getKey());
            if (known.isEmpty()) {
                return false;
            }
            for (int partition : topic.getValue()) {
                int given = member.assignedEpoch(known.get().id(), partition);
                if (given < 0 || given > epoch) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Checks an OffsetFetch that names a member (v9 and later): the member must be in the group at that epoch. */
    public void validateFetch(String groupId, String memberId, int memberEpoch) {
        ConsumerGroup group = groups.get(groupId);
        if (group == null || (memberId == null && memberEpoch < 0)) {
            return;
        }
        ConsumerMember member = member(group, memberId);
        if (memberEpoch != member.memberEpoch) {
            throw new StaleMemberEpochException("Member " + memberId + " of group " + groupId + " fetched offsets in "
                    + "epoch " + memberEpoch + "; its epoch is " + member.memberEpoch);
        }
    }

    /** Forgets every group (the coordinator moved); timers are cancelled. */
    public void unload() {
        groups.values().forEach(g -> g.members.values().forEach(ConsumerGroupManager::cancelTimers));
        groups.clear();
    }
}
