package io.ledgerstream.log.group;

import java.util.List;

/** A group as ListGroups and DescribeGroups show it. */
public record GroupSummary(String groupId, String state, String protocolType, String protocolName,
                           List<MemberSummary> members) {

    /** A member with its assignment. */
    public record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost,
                                byte[] metadata, byte[] assignment) {
    }
}
