package io.ledgerstream.log.group.consumer;

import java.util.Set;
import org.apache.kafka.common.Uuid;

/** What an assignor knows of a member: its id, its rack (null: none) and the ids of the topics it subscribes to. */
public record MemberSubscription(String memberId, String rackId, Set<Uuid> topics) {
    public MemberSubscription {
        topics = Set.copyOf(topics);
    }
}
