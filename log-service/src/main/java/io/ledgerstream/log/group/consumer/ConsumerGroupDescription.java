package io.ledgerstream.log.group.consumer;

import java.util.List;

/** A consumer group as ConsumerGroupDescribe shows it, taken at one moment on the coordinator's thread. */
public record ConsumerGroupDescription(String groupId, String state, int groupEpoch, int assignmentEpoch,
                                       String assignorName, List<Member> members) {

    /** A member with its assignment now and its target; {@code classic} if it speaks the classic protocol. */
    public record Member(String memberId, String instanceId, String rackId, int memberEpoch, String clientId,
                         String clientHost, List<String> subscribedTopicNames, String subscribedTopicRegex,
                         PartitionSet assignment, PartitionSet targetAssignment, boolean classic) {
    }

    static ConsumerGroupDescription of(ConsumerGroup group) {
        List<Member> members = group.members().stream().map(m -> new Member(m.memberId(), m.instanceId(),
                m.rackId(), m.memberEpoch(), m.clientId(), m.clientHost(), m.subscribedTopicNames(),
                m.subscribedTopicRegex(), m.assigned(), group.targetOf(m.memberId()), m.classic() != null)).toList();
        return new ConsumerGroupDescription(group.groupId(), group.state(), group.groupEpoch(),
                group.assignmentEpoch(), group.assignorName() == null ? "" : group.assignorName(), members);
    }
}
