package io.ledgerstream.log.group;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/** A group as ListGroups and DescribeGroups show it, or the error it is described with (e.g. NOT_COORDINATOR). */
public record GroupSummary(String groupId, Errors error, String state, String protocolType, String protocolName,
                           List<MemberSummary> members) {

    static GroupSummary failed(String groupId, Errors error) {
        return new GroupSummary(groupId, error, "", "", "", List.of());
    }

    /** A member with its assignment. */
    public record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost,
                                byte[] metadata, byte[] assignment) {
    }
}
