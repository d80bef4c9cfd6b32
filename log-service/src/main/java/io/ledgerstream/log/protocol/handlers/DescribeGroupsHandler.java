package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeGroups: state, protocol and members with their assignments; unknown groups show as Dead. A group this
 * broker does not coordinate gets NOT_COORDINATOR (COORDINATOR_LOAD_IN_PROGRESS while its partition loads). As in
 * Kafka, a group needs Describe on it (else GROUP_AUTHORIZATION_FAILED); from v3 the principal's authorized operations
 * on a group (KIP-430) are given when asked for.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {
    private final GroupCoordinator groups;
    private final Authorization authorization;

    DescribeGroupsHandler(GroupCoordinator groups, Authorization authorization) {
        this.groups = groups;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    /**
     * v6 answers GROUP_ID_NOT_FOUND for a group that does not exist, or is a consumer group (ConsumerGroupDescribe
     * describes those); earlier versions show such a group as Dead.
     */
    @Override
    public short maxVersion() {
        return 6;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeGroupsRequest request) {
        DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        List<String> authorized = new ArrayList<>();
        for (String groupId : request.data().groups()) {
            if (authorization.group(context, AclOperation.DESCRIBE, groupId)) {
                authorized.add(groupId);
            } else {
                response.groups().add(DescribeGroupsResponse.groupError(groupId, Errors.GROUP_AUTHORIZATION_FAILED));
            }
        }
        if (authorized.isEmpty()) {
            return CompletableFuture.completedFuture(new DescribeGroupsResponse(response));
        }
        boolean operations = context.apiVersion() >= 3 && request.data().includeAuthorizedOperations();
        return groups.describe(authorized).thenApply(described -> {
            described.forEach(g -> {
                boolean missing = g.error() == Errors.GROUP_ID_NOT_FOUND || "Dead".equals(g.state());
                if (missing && context.apiVersion() >= 6) {
                    response.groups().add(new DescribeGroupsResponseData.DescribedGroup().setGroupId(g.groupId())
                            .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setGroupState("Dead")
                            .setErrorMessage("Group " + g.groupId() + (g.error() == Errors.GROUP_ID_NOT_FOUND
                                    ? " is not a classic group" : " does not exist")));
                    return;
                }
                DescribeGroupsResponseData.DescribedGroup group = new DescribeGroupsResponseData.DescribedGroup()
                        .setErrorCode(missing ? Errors.NONE.code() : g.error().code()).setGroupId(g.groupId())
                        .setGroupState(missing ? "Dead" : g.state())
                        .setProtocolType(g.protocolType()).setProtocolData(g.protocolName() == null ? "" : g.protocolName());
                g.members().forEach(m -> group.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                        .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId())
                        .setClientHost(m.clientHost()).setMemberMetadata(m.metadata())
                        .setMemberAssignment(m.assignment())));
                if (operations && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(authorization.authorizedOperations(context, ResourceType.GROUP,
                            g.groupId()));
                }
                response.groups().add(group);
            });
            return new DescribeGroupsResponse(response);
        });
    }
}
