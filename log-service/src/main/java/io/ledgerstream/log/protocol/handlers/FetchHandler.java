package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.metadata.AbortedTransaction;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.BatchListRecords;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch, as a long poll: reads every partition asked for; if fewer than {@code min.bytes} came back it waits until
 * a partition's high watermark moves or {@code max.wait.ms} passes, then reads again. Fetch sessions are not kept:
 * every response carries session id 0, which tells clients to send full requests. A full request (epoch 0 or -1) is
 * served whatever session it names, as Kafka does when it closes or replaces a session; an incremental one (epoch
 * above 0) gets FETCH_SESSION_ID_NOT_FOUND, since no session exists to add it to. A read_committed fetch reads up
 * to the last stable offset and is told the aborted transactions among its records; both isolation levels are told
 * the last stable offset.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    private final PartitionLogs logs;

    public FetchHandler(PartitionLogs logs) {
        this.logs = logs;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    /** v13 and later name topics by id only. */
    @Override
    public short maxVersion() {
        return 12;
    }

    private record Wanted(TopicPartition partition, long offset, int maxBytes, int currentLeaderEpoch) {
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FetchRequest request) {
        FetchMetadata session = request.metadata();
        if (!session.isFull()) {
            return CompletableFuture.completedFuture(FetchResponse.of(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0)));
        }
        List<Wanted> wanted = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : request.data().topics()) {
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                wanted.add(new Wanted(new TopicPartition(topic.topic(), p.partition()), p.fetchOffset(),
                        p.partitionMaxBytes(), p.currentLeaderEpoch()));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, request.maxWait()));
        return poll(context, wanted, request.minBytes(), Math.max(1, request.maxBytes()), request.isolationLevel(),
                deadline);
    }

    private CompletableFuture<AbstractResponse> poll(RequestContext context, List<Wanted> wanted, int minBytes,
                                                     int maxBytes, IsolationLevel isolation, long deadline) {
        return readAll(wanted, maxBytes, isolation).thenCompose(results -> {
            int bytes = results.stream().mapToInt(PartitionRead::bytes).sum();
            boolean anyError = results.stream().anyMatch(r -> r.data().errorCode() != Errors.NONE.code());
            long remaining = deadline - System.nanoTime();
            if (bytes >= minBytes || anyError || remaining <= 0 || results.isEmpty()) {
                return CompletableFuture.completedFuture(respond(results));
            }
            CompletableFuture<?>[] advanced = results.stream().map(PartitionRead::advanced)
                    .toArray(CompletableFuture[]::new);
            // Woken on a storage callback thread or the timer: read again on the connection's own event loop.
            return CompletableFuture.anyOf(advanced)
                    .completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS)
                    .thenComposeAsync(x -> poll(context, wanted, minBytes, maxBytes, isolation, deadline),
                            context.connectionExecutor());
        });
    }

    /**
     * Reads the partitions, each up to its own limit and what is left of the response's: only the first partition
     * with data may go over (one whole batch), as in Kafka; later ones then return no records. When the partition
     * limits together fit in the response limit (the usual case) the reads run in parallel; otherwise one after
     * another, so that a fetch of many partitions never reads far more than it can send.
     */
    private CompletableFuture<List<PartitionRead>> readAll(List<Wanted> wanted, int maxBytes,
                                                           IsolationLevel isolation) {
        long wantedBytes = wanted.stream().mapToLong(w -> Math.max(1, w.maxBytes())).sum();
        if (wantedBytes <= maxBytes) {
            List<CompletableFuture<PartitionRead>> reads = new ArrayList<>();
            for (Wanted w : wanted) {
                reads.add(read(w, Math.max(1, w.maxBytes()), isolation));
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                    .thenApply(v -> new ArrayList<>(reads.stream().map(CompletableFuture::join).toList()));
        }
        CompletableFuture<List<PartitionRead>> results = CompletableFuture.completedFuture(new ArrayList<>());
        for (Wanted w : wanted) {
            results = results.thenCompose(list -> {
                int used = list.stream().mapToInt(PartitionRead::bytes).sum();
                int budget = Math.max(0, maxBytes - used);
                return read(w, Math.max(1, Math.min(w.maxBytes(), budget)), isolation).thenApply(read -> {
                    list.add(used > 0 && read.bytes() > budget ? read.withoutRecords() : read);
                    return list;
                });
            });
        }
        return results;
    }

    private record PartitionRead(TopicPartition partition, FetchResponseData.PartitionData data, List<ByteBuffer> batches,
                                 CompletableFuture<Void> advanced) {
        int bytes() {
            return batches.stream().mapToInt(ByteBuffer::remaining).sum();
        }

        PartitionRead withoutRecords() {
            return new PartitionRead(partition, data, List.of(), advanced);
        }
    }

    private CompletableFuture<PartitionRead> read(Wanted wanted, int maxBytes, IsolationLevel isolation) {
        FetchResponseData.PartitionData data = new FetchResponseData.PartitionData()
                .setPartitionIndex(wanted.partition().partition());
        return logs.log(wanted.partition(), wanted.currentLeaderEpoch()).thenCompose(log -> {
            CompletableFuture<Void> advanced = log.highWatermarkAdvanced();
            return log.readAsync(wanted.offset(), maxBytes, isolation)
                    .thenApply(result -> success(wanted, data, result, advanced, isolation));
        }).exceptionally(error -> new PartitionRead(wanted.partition(), data
                .setErrorCode(KafkaErrors.forException(error).code())
                .setHighWatermark(FetchResponse.INVALID_HIGH_WATERMARK)
                .setLastStableOffset(FetchResponse.INVALID_LAST_STABLE_OFFSET)
                .setLogStartOffset(FetchResponse.INVALID_LOG_START_OFFSET)
                .setRecords(MemoryRecords.EMPTY), List.of(), new CompletableFuture<>()));
    }

    private static PartitionRead success(Wanted wanted, FetchResponseData.PartitionData data, ReadResult result,
                                         CompletableFuture<Void> advanced, IsolationLevel isolation) {
        List<FetchResponseData.AbortedTransaction> aborted = null;
        if (isolation == IsolationLevel.READ_COMMITTED) {
            aborted = new ArrayList<>();
            for (AbortedTransaction a : result.abortedTransactions()) {
                aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(a.producerId())
                        .setFirstOffset(a.firstOffset()));
            }
        }
        data.setErrorCode(Errors.NONE.code())
                .setHighWatermark(result.highWatermark())
                .setLastStableOffset(result.lastStableOffset())
                .setLogStartOffset(result.logStartOffset())
                .setAbortedTransactions(aborted);
        return new PartitionRead(wanted.partition(), data, result.batches(), advanced);
    }

    private static AbstractResponse respond(List<PartitionRead> results) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        FetchResponseData.FetchableTopicResponse topic = null;
        for (PartitionRead read : results) {
            if (topic == null || !topic.topic().equals(read.partition().topic())) {
                topic = new FetchResponseData.FetchableTopicResponse().setTopic(read.partition().topic());
                response.responses().add(topic);
            }
            topic.partitions().add(read.data().setRecords(read.batches().isEmpty() ? MemoryRecords.EMPTY
                    : new BatchListRecords(read.batches())));
        }
        return FetchResponse.of(response);
    }
}
