package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/** SyncGroup: the leader hands in the assignment; every member gets its part once the leader did. */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    SyncGroupHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public short maxVersion() {
        return 5;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, SyncGroupRequest request) {
        AbstractResponse refused = authorization.refuseUnlessGroup(context, request, AclOperation.READ, request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        SyncGroupRequestData data = request.data();
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestData.SyncGroupRequestAssignment a : data.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        return groups.sync(new GroupCoordinator.SyncRequest(data.groupId(), data.generationId(), data.memberId(),
                        data.groupInstanceId(), data.protocolType(), data.protocolName(), assignments))
                .thenApply(result -> new SyncGroupResponse(new SyncGroupResponseData()
                        .setErrorCode(result.error().code())
                        .setProtocolType(result.protocolType())
                        .setProtocolName(result.protocolName())
                        .setAssignment(result.assignment())));
    }
}
