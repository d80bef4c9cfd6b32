package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/** JoinGroup of the classic protocol, answered once the group's join phase ends. */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    JoinGroupHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public short maxVersion() {
        return 9;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, JoinGroupRequest request) {
        AbstractResponse refused = authorization.refuseUnlessGroup(context, request, AclOperation.READ, request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        JoinGroupRequestData data = request.data();
        Map<String, byte[]> protocols = new LinkedHashMap<>();
        for (JoinGroupRequestData.JoinGroupRequestProtocol p : data.protocols()) {
            protocols.put(p.name(), p.metadata());
        }
        String host = context.clientAddress() instanceof InetSocketAddress a ? a.getAddress().toString() : "";
        GroupCoordinator.JoinRequest join = new GroupCoordinator.JoinRequest(data.groupId(), data.memberId(),
                data.groupInstanceId(), context.header().clientId() == null ? "" : context.header().clientId(), host,
                data.sessionTimeoutMs(), context.apiVersion() >= 1 ? data.rebalanceTimeoutMs() : data.sessionTimeoutMs(),
                data.protocolType(), protocols, context.apiVersion() >= 4, context.apiVersion() >= 9);
        return groups.join(join).thenApply(result -> {
            JoinGroupResponseData response = new JoinGroupResponseData()
                    .setErrorCode(result.error().code())
                    .setGenerationId(result.generation())
                    .setProtocolType(result.protocolType())
                    .setProtocolName(result.protocolName())
                    .setLeader(result.leaderId())
                    .setMemberId(result.memberId())
                    .setSkipAssignment(result.skipAssignment());
            result.members().forEach(m -> response.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata())));
            return new JoinGroupResponse(response, context.apiVersion());
        });
    }
}
