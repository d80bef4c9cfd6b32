package io.ledgerstream.log.group;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * The coordinator's answer to a JoinGroup. The leader gets every member's metadata for the chosen protocol, the
 * others an empty list; {@code skipAssignment} tells a leader that rejoined a stable group to keep the assignment.
 */
public record JoinResult(Errors error, int generation, String protocolType, String protocolName, String leaderId,
                         String memberId, List<Member> members, boolean skipAssignment) {

    /** A member as the leader sees it, with its metadata for the chosen protocol. */
    public record Member(String memberId, String groupInstanceId, byte[] metadata) {
    }

    static JoinResult error(Errors error, String memberId) {
        return new JoinResult(error, -1, null, null, "", memberId, List.of(), false);
    }
}
