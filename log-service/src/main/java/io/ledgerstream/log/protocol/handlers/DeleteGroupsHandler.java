package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/**
 * DeleteGroups: groups without members go, with their offsets; others get NON_EMPTY_GROUP, groups this broker does
 * not coordinate NOT_COORDINATOR.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator groups;

    public DeleteGroupsHandler(GroupCoordinator groups) {
        this.groups = groups;
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
        return groups.deleteGroups(request.data().groupsNames()).thenApply(results -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            results.forEach((id, error) -> response.results().add(
                    new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(id).setErrorCode(error.code())));
            return new DeleteGroupsResponse(response);
        });
    }
}
