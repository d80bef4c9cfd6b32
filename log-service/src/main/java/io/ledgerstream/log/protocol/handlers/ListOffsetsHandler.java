package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets: earliest (log start offset) and latest (high watermark; for read_committed the last stable offset)
 * at once; by timestamp and max timestamp by skipping whole segments by their newest timestamp, then reading on from
 * the first that can hold the answer and skipping batches by their max timestamp. A finer time index (within a
 * segment) is future work.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private static final int SCAN_BYTES = 1 << 20;

    private final PartitionLogs logs;

    private final Authorization authorization;

    ListOffsetsHandler(PartitionLogs logs, Authorization authorization) {
        this.authorization = authorization;
        this.logs = logs;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    /** v7 adds max timestamp; v8 and later add tiered-storage specs we do not have. */
    @Override
    public short maxVersion() {
        return 7;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListOffsetsRequest request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            boolean allowed = authorization.topic(context, AclOperation.DESCRIBE, topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition partition : topic.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse result =
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                                .setPartitionIndex(partition.partitionIndex())
                                .setTimestamp(ListOffsetsResponse.UNKNOWN_TIMESTAMP)
                                .setOffset(ListOffsetsResponse.UNKNOWN_OFFSET)
                                .setLeaderEpoch(ListOffsetsResponse.UNKNOWN_EPOCH);
                topicResponse.partitions().add(result);
                lookups.add((allowed ? logs.log(new TopicPartition(topic.name(), partition.partitionIndex()),
                                partition.currentLeaderEpoch())
                        : CompletableFuture.<PartitionLog>failedFuture(
                                new TopicAuthorizationException(Set.of(topic.name()))))
                        .thenCompose(log -> lookup(log, partition.timestamp(), request.isolationLevel()))
                        .handle((found, error) -> {
                            if (error != null) {
                                result.setErrorCode(KafkaErrors.forException(error).code());
                            } else {
                                result.setErrorCode(Errors.NONE.code()).setOffset(found.offset())
                                        .setTimestamp(found.timestamp());
                            }
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> new ListOffsetsResponse(response));
    }

    private record Found(long offset, long timestamp) {
    }

    private static CompletableFuture<Found> lookup(PartitionLog log, long timestamp, IsolationLevel isolation) {
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP) {
            return CompletableFuture.completedFuture(new Found(log.logStartOffset(), -1));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return CompletableFuture.completedFuture(new Found(isolation == IsolationLevel.READ_COMMITTED
                    ? log.lastStableOffset() : log.highWatermark(), -1));
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return scan(log, log.timestampSearchStart(Long.MAX_VALUE), Long.MIN_VALUE, new Found(-1, -1), true);
        }
        if (timestamp < 0) {
            return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.UnsupportedVersionException(
                    "Offset spec " + timestamp + " is not supported"));
        }
        return scan(log, log.timestampSearchStart(timestamp), timestamp, new Found(-1, -1), false);
    }

    /** Reads on from {@code next}: the first record at or after {@code target}, or the newest record when {@code max}. */
    private static CompletableFuture<Found> scan(PartitionLog log, long next, long target, Found best, boolean max) {
        if (next >= log.highWatermark()) {
            return CompletableFuture.completedFuture(best);
        }
        return log.readAsync(next, SCAN_BYTES).thenCompose(read -> {
            Found current = best;
            long after = next;
            try (read) {
                for (ByteBuffer buffer : read.batches()) {
                    for (RecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
                        after = batch.nextOffset();
                        if (batch.maxTimestamp() < target || (max && batch.maxTimestamp() <= current.timestamp())) {
                            continue;
                        }
                        for (Record record : batch) {
                            if (record.offset() < log.logStartOffset()) {
                                continue;
                            }
                            if (max ? record.timestamp() > current.timestamp() : record.timestamp() >= target) {
                                current = new Found(record.offset(), record.timestamp());
                                if (!max) {
                                    return CompletableFuture.completedFuture(current);
                                }
                            }
                        }
                    }
                }
            }
            return after > next ? scan(log, after, target, current, max) : CompletableFuture.completedFuture(current);
        });
    }
}
