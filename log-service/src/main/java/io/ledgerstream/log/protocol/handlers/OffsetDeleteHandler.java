package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/** OffsetDelete: removes a group's committed offsets of given partitions while the group has no members. */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {
    private final GroupCoordinator groups;

    public OffsetDeleteHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetDeleteRequest request) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.data().topics()) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partitionIndex())));
        }
        return groups.deleteOffsets(request.data().groupId(), partitions).handle((results, error) -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData();
            if (error != null) {
                return new OffsetDeleteResponse(response.setErrorCode(KafkaErrors.forException(error).code()));
            }
            Map<String, OffsetDeleteResponseData.OffsetDeleteResponseTopic> topics = new LinkedHashMap<>();
            results.forEach((tp, e) -> topics.computeIfAbsent(tp.topic(), name -> {
                OffsetDeleteResponseData.OffsetDeleteResponseTopic t =
                        new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(name);
                response.topics().add(t);
                return t;
            }).partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                    .setPartitionIndex(tp.partition()).setErrorCode(e.code())));
            return new OffsetDeleteResponse(response.setErrorCode(Errors.NONE.code()));
        });
    }
}
