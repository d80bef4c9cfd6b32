package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/**
 * DeleteGroups: groups without members go, with their offsets; others get NON_EMPTY_GROUP, groups this broker does
 * not coordinate NOT_COORDINATOR. As in Kafka, a group needs Delete on it (else GROUP_AUTHORIZATION_FAILED).
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator groups;
    private final Authorization authorization;

    DeleteGroupsHandler(GroupCoordinator groups, Authorization authorization) {
        this.groups = groups;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public short maxVersion() {
        return 2;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteGroupsRequest request) {
        List<String> authorized = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String groupId : new LinkedHashSet<>(request.data().groupsNames())) {
            (authorization.group(context, AclOperation.DELETE, groupId) ? authorized : refused).add(groupId);
        }
        CompletableFuture<Map<String, Errors>> deleted = authorized.isEmpty()
                ? CompletableFuture.completedFuture(Map.of()) : groups.deleteGroups(authorized);
        return deleted.thenApply(results -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            results.forEach((id, error) -> response.results().add(
                    new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(id).setErrorCode(error.code())));
            refused.forEach(id -> response.results().add(new DeleteGroupsResponseData.DeletableGroupResult()
                    .setGroupId(id).setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
            return new DeleteGroupsResponse(response);
        });
    }
}
