package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/** LeaveGroup: one member (v0-v2) or several by member or instance id (v3+); the rest rebalance. */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {
    private final GroupCoordinator groups;

    private final Authorization authorization;

    LeaveGroupHandler(GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public short maxVersion() {
        return 5;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, LeaveGroupRequest request) {
        AbstractResponse refused = authorization.refuseUnlessGroup(context, request, AclOperation.READ, request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        LeaveGroupRequestData data = request.data();
        List<String[]> ids = new ArrayList<>();
        if (context.apiVersion() < 3) {
            ids.add(new String[] {data.memberId(), null});
        } else {
            data.members().forEach(m -> ids.add(new String[] {m.memberId(), m.groupInstanceId()}));
        }
        return groups.leave(data.groupId(), ids).thenApply(results -> {
            LeaveGroupResponseData response = new LeaveGroupResponseData();
            if (context.apiVersion() < 3) {
                response.setErrorCode(results.get(0).code());
            } else {
                response.setErrorCode(Errors.NONE.code());
                for (int i = 0; i < ids.size(); i++) {
                    response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(ids.get(i)[0])
                            .setGroupInstanceId(ids.get(i)[1]).setErrorCode(results.get(i).code()));
                }
            }
            return new LeaveGroupResponse(response);
        });
    }
}
