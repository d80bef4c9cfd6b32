package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/**
 * ListGroups: every group this broker coordinates (those of the partitions of {@code __consumer_offsets} it leads),
 * filtered by state when asked; the admin client asks every broker. COORDINATOR_LOAD_IN_PROGRESS while one of those
 * partitions loads. As in Kafka, a principal with Describe on the cluster sees every group, any other only the
 * groups it may describe.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {
    private final GroupCoordinator groups;
    private final Authorization authorization;

    ListGroupsHandler(GroupCoordinator groups, Authorization authorization) {
        this.groups = groups;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    /** v5 adds group types (classic, consumer) to the answer and the filter. */
    @Override
    public short maxVersion() {
        return 5;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListGroupsRequest request) {
        boolean describeCluster = authorization.cluster(context, AclOperation.DESCRIBE);
        return groups.list().thenApply(all -> {
            ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
            all.stream()
                    .filter(g -> request.data().statesFilter().isEmpty()
                            || request.data().statesFilter().stream().anyMatch(s -> s.equalsIgnoreCase(g.state())))
                    .filter(g -> request.data().typesFilter().isEmpty()
                            || request.data().typesFilter().stream().anyMatch(t -> t.equalsIgnoreCase(g.type())))
                    .filter(g -> describeCluster || authorization.group(context, AclOperation.DESCRIBE, g.groupId()))
                    .forEach(g -> response.groups().add(new ListGroupsResponseData.ListedGroup()
                            .setGroupId(g.groupId()).setProtocolType(g.protocolType()).setGroupState(g.state())
                            .setGroupType(g.type())));
            return new ListGroupsResponse(response);
        });
    }
}
