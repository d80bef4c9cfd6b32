package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.fetch.FetchPosition;
import io.ledgerstream.log.fetch.FetchSession;
import io.ledgerstream.log.fetch.FetchSessionCache;
import io.ledgerstream.log.fetch.FetchedPartition;
import io.ledgerstream.log.fetch.SentState;
import io.ledgerstream.log.metadata.AbortedTransaction;
import io.ledgerstream.log.metrics.TopicMetrics;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.partition.RecordBatches;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.BatchListRecords;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
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
 * a partition's high watermark moves or {@code max.wait.ms} passes, then reads again. From v13 topics are named by
 * id; an id no topic has (any more) is UNKNOWN_TOPIC_ID. Fetch sessions (KIP-227) are kept in a bounded cache: a
 * full request with epoch 0 opens one, whose incremental requests then name only the partitions that changed and
 * whose responses carry only partitions with records, errors or new offsets; an unknown session is
 * FETCH_SESSION_ID_NOT_FOUND, a wrong epoch INVALID_FETCH_SESSION_EPOCH, and a request that names topics otherwise
 * than its session does FETCH_SESSION_TOPIC_ID_ERROR. A read_committed fetch reads up to the last stable offset and is
 * told the aborted transactions among its records; both isolation levels are told the last stable offset. The
 * batches read (off-heap slices of the tail cache, mostly) are released once the response is built, which holds
 * references of its own to those it sends ({@link BatchListRecords}) until the connection has written it.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    private final PartitionLogs logs;
    private final ClusterView cluster;
    private final FetchSessionCache sessions;
    private final TopicMetrics metrics;

    /** @param metrics where the bytes and records sent to consumers are counted, per topic */
    FetchHandler(PartitionLogs logs, ClusterView cluster, FetchSessionCache sessions, TopicMetrics metrics,
                 Authorization authorization) {
        this.authorization = authorization;
        this.logs = logs;
        this.cluster = cluster;
        this.sessions = sessions;
        this.metrics = metrics;
    }

    private final Authorization authorization;

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    /** v15 to v18 add only what followers send (replica state, directory, high watermark), which no broker sends us. */
    @Override
    public short maxVersion() {
        return 18;
    }

    /** What a request fetches: the partitions it names with their positions, and those it forgets. */
    private record Asked(Map<FetchedPartition, FetchPosition> partitions, List<FetchedPartition> forgotten) {
    }

    /**
     * How a request is served: the partitions to read, in order, and the session that filters the response (none
     * for a sessionless fetch); or, when the request cannot be served, the error.
     */
    private record Plan(Map<FetchedPartition, FetchPosition> partitions, FetchSession session, boolean incremental,
                        Errors error) {
        static Plan refused(Errors error) {
            return new Plan(Map.of(), null, false, error);
        }
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FetchRequest request) {
        boolean byId = context.apiVersion() >= 13;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, request.maxWait()));
        return asked(request.data(), byId).thenCompose(asked -> {
            Plan plan;
            try {
                plan = plan(request.metadata(), asked, byId);
            } catch (ApiException e) {
                plan = Plan.refused(Errors.forException(e));
            }
            if (plan.error() != null) {
                return CompletableFuture.completedFuture(FetchResponse.of(new FetchResponseData()
                        .setErrorCode(plan.error().code()).setSessionId(0)));
            }
            return withCurrentNames(plan, byId).thenCompose(current -> poll(context, current,
                    refusedTopics(context, current), request.minBytes(), Math.max(1, request.maxBytes()),
                    request.isolationLevel(), deadline));
        });
    }

    /** The topics of the plan the request may not read (Read on the topic): each checked once per request. */
    private Set<String> refusedTopics(RequestContext context, Plan plan) {
        if (!authorization.authorizer().enabled()) {
            return Set.of();
        }
        Set<String> refused = new HashSet<>();
        Set<String> checked = new HashSet<>();
        for (FetchedPartition p : plan.partitions().keySet()) {
            if (p.topic() != null && checked.add(p.topic())
                    && !authorization.topic(context, AclOperation.READ, p.topic())) {
                refused.add(p.topic());
            }
        }
        return refused;
    }

    /**
     * The plan with its session's topic ids resolved again: a topic deleted since the session took it in is
     * UNKNOWN_TOPIC_ID from then on, never a topic created again under its name.
     */
    private CompletableFuture<Plan> withCurrentNames(Plan plan, boolean byId) {
        if (!byId || !plan.incremental()) {
            return CompletableFuture.completedFuture(plan);
        }
        Map<Uuid, CompletableFuture<Optional<String>>> names = new HashMap<>();
        plan.partitions().keySet().forEach(p -> names.computeIfAbsent(p.topicId(), cluster::topicName));
        return CompletableFuture.allOf(names.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<FetchedPartition, FetchPosition> current = new LinkedHashMap<>();
            plan.partitions().forEach((p, position) -> current.put(new FetchedPartition(p.topicId(),
                    names.get(p.topicId()).join().orElse(null), p.partition()), position));
            return new Plan(current, plan.session(), true, null);
        });
    }

    /** The request's partitions, topic ids resolved to names (each id once). */
    private CompletableFuture<Asked> asked(FetchRequestData data, boolean byId) {
        Map<Uuid, CompletableFuture<Optional<String>>> names = new HashMap<>();
        if (byId) {
            data.topics().forEach(t -> names.computeIfAbsent(t.topicId(), cluster::topicName));
            data.forgottenTopicsData().forEach(t -> names.computeIfAbsent(t.topicId(), cluster::topicName));
        }
        return CompletableFuture.allOf(names.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<FetchedPartition, FetchPosition> partitions = new LinkedHashMap<>();
            for (FetchRequestData.FetchTopic topic : data.topics()) {
                String name = byId ? names.get(topic.topicId()).join().orElse(null) : topic.topic();
                Uuid id = byId ? topic.topicId() : Uuid.ZERO_UUID;
                for (FetchRequestData.FetchPartition p : topic.partitions()) {
                    partitions.put(new FetchedPartition(id, name, p.partition()),
                            new FetchPosition(p.fetchOffset(), p.partitionMaxBytes(), p.currentLeaderEpoch()));
                }
            }
            List<FetchedPartition> forgotten = new ArrayList<>();
            for (FetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
                String name = byId ? names.get(topic.topicId()).join().orElse(null) : topic.topic();
                Uuid id = byId ? topic.topicId() : Uuid.ZERO_UUID;
                topic.partitions().forEach(p -> forgotten.add(new FetchedPartition(id, name, p)));
            }
            return new Asked(partitions, forgotten);
        });
    }

    /**
     * Applies the request's session metadata: epoch 0 opens a session (closing the one named, if any), epoch -1
     * closes the one named and fetches without one, any other epoch continues a session.
     */
    private Plan plan(FetchMetadata metadata, Asked asked, boolean byId) {
        if (metadata.isFull()) {
            if (metadata.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                sessions.remove(metadata.sessionId());
            }
            FetchSession session = metadata.epoch() == FetchMetadata.INITIAL_EPOCH
                    ? sessions.create(byId, asked.partitions()).orElse(null) : null;
            return new Plan(asked.partitions(), session, false, null);
        }
        Optional<FetchSession> session = sessions.get(metadata.sessionId());
        if (session.isEmpty()) {
            return Plan.refused(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        if (session.get().usesTopicIds() != byId) {
            return Plan.refused(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
        }
        Map<FetchedPartition, FetchPosition> all = session.get().update(metadata.epoch(), asked.partitions(),
                asked.forgotten(), sessions.nowNanos());
        return new Plan(all, session.get(), true, null);
    }

    private CompletableFuture<AbstractResponse> poll(RequestContext context, Plan plan, Set<String> refused,
                                                     int minBytes, int maxBytes, IsolationLevel isolation,
                                                     long deadline) {
        return readAll(plan.partitions(), refused, maxBytes, isolation).thenCompose(results -> {
            int bytes = results.stream().mapToInt(PartitionRead::bytes).sum();
            boolean anyError = results.stream().anyMatch(r -> r.data().errorCode() != Errors.NONE.code());
            long remaining = deadline - System.nanoTime();
            if (bytes >= minBytes || anyError || remaining <= 0 || results.isEmpty()) {
                stopWaiting(results);
                try {
                    return CompletableFuture.completedFuture(respond(results, plan, metrics));
                } finally {
                    release(results);
                }
            }
            // Too little to answer yet: what was read goes back now, and is read again once something moved.
            release(results);
            CompletableFuture<?>[] advanced = results.stream().map(PartitionRead::advanced)
                    .toArray(CompletableFuture[]::new);
            // Woken on a storage callback thread or the timer: read again on the connection's own event loop.
            return CompletableFuture.anyOf(advanced)
                    .completeOnTimeout(null, remaining, TimeUnit.NANOSECONDS)
                    .thenComposeAsync(x -> {
                        stopWaiting(results);
                        return poll(context, plan, refused, minBytes, maxBytes, isolation, deadline);
                    }, context.connectionExecutor());
        });
    }

    /** Releases the batches of the reads; the response holds references of its own to those it sends. */
    private static void release(List<PartitionRead> results) {
        results.forEach(PartitionRead::release);
    }

    /** Gives back the reads' waits on their logs' high watermarks, so idle logs do not keep them. */
    private static void stopWaiting(List<PartitionRead> results) {
        results.forEach(r -> r.advanced().cancel(false));
    }

    /**
     * Reads the partitions, each up to its own limit and what is left of the response's: only the first partition
     * with data may go over (one whole batch), as in Kafka; later ones then return no records. When the partition
     * limits together fit in the response limit (the usual case) the reads run in parallel; otherwise one after
     * another, so that a fetch of many partitions never reads far more than it can send.
     */
    private CompletableFuture<List<PartitionRead>> readAll(Map<FetchedPartition, FetchPosition> wanted,
                                                           Set<String> refused, int maxBytes,
                                                           IsolationLevel isolation) {
        long wantedBytes = wanted.values().stream().mapToLong(w -> Math.max(1, w.maxBytes())).sum();
        if (wantedBytes <= maxBytes) {
            List<CompletableFuture<PartitionRead>> reads = new ArrayList<>();
            wanted.forEach((p, position) -> reads.add(read(p, position, refused, Math.max(1, position.maxBytes()),
                    isolation)));
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                    .thenApply(v -> new ArrayList<>(reads.stream().map(CompletableFuture::join).toList()));
        }
        // The bytes read so far travel with the list: summing the list before each read made a fetch of n
        // partitions cost n * n / 2 sums (some 60 ms of CPU per fetch of 1,000 partitions).
        CompletableFuture<ReadSoFar> results = CompletableFuture.completedFuture(new ReadSoFar(new ArrayList<>(), 0));
        for (Map.Entry<FetchedPartition, FetchPosition> w : wanted.entrySet()) {
            results = results.thenCompose(soFar -> {
                int budget = Math.max(0, maxBytes - soFar.bytes());
                return read(w.getKey(), w.getValue(), refused,
                        Math.max(1, Math.min(w.getValue().maxBytes(), budget)), isolation).thenApply(read -> soFar.add(soFar.bytes() > 0 && read.bytes() > budget
                                ? read.withoutRecords() : read));
            });
        }
        return results.thenApply(ReadSoFar::reads);
    }

    /** The partitions read one after another so far, and their bytes. */
    private record ReadSoFar(List<PartitionRead> reads, int bytes) {
        ReadSoFar add(PartitionRead read) {
            reads.add(read);
            return new ReadSoFar(reads, bytes + read.bytes());
        }
    }

    /** One partition's read: {@code read} holds its batches (null after an error) until {@link #release}. */
    private record PartitionRead(FetchedPartition partition, FetchResponseData.PartitionData data,
                                 ReadResult read, CompletableFuture<Void> advanced) {
        int bytes() {
            return read == null ? 0 : read.sizeInBytes();
        }

        boolean hasRecords() {
            return read != null && !read.isEmpty();
        }

        PartitionRead withoutRecords() {
            release();
            return new PartitionRead(partition, data, null, advanced);
        }

        void release() {
            if (read != null) {
                read.close();
            }
        }
    }

    private CompletableFuture<PartitionRead> read(FetchedPartition partition, FetchPosition position,
                                                  Set<String> refused, int maxBytes, IsolationLevel isolation) {
        FetchResponseData.PartitionData data = new FetchResponseData.PartitionData()
                .setPartitionIndex(partition.partition());
        CompletableFuture<PartitionLog> log = partition.known() && refused.contains(partition.topic())
                ? CompletableFuture.failedFuture(new TopicAuthorizationException(Set.of(partition.topic())))
                : partition.known()
                ? logs.log(partition.topicPartition(), position.currentLeaderEpoch())
                : CompletableFuture.failedFuture(new UnknownTopicIdException("No topic has the id "
                        + partition.topicId()));
        return log.thenCompose(opened -> {
            CompletableFuture<Void> advanced = opened.highWatermarkAdvanced();
            return opened.readAsync(position.fetchOffset(), maxBytes, isolation)
                    .thenApply(result -> success(partition, data, result, advanced, isolation));
        }).exceptionally(error -> new PartitionRead(partition, data
                .setErrorCode(KafkaErrors.forException(error).code())
                .setHighWatermark(FetchResponse.INVALID_HIGH_WATERMARK)
                .setLastStableOffset(FetchResponse.INVALID_LAST_STABLE_OFFSET)
                .setLogStartOffset(FetchResponse.INVALID_LOG_START_OFFSET)
                .setRecords(MemoryRecords.EMPTY), null, new CompletableFuture<>()));
    }

    private static PartitionRead success(FetchedPartition partition, FetchResponseData.PartitionData data,
                                         ReadResult result, CompletableFuture<Void> advanced,
                                         IsolationLevel isolation) {
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
        return new PartitionRead(partition, data, result, advanced);
    }

    /** Counts the batches of a partition that go out in the response. */
    private static void sent(PartitionRead read, TopicMetrics metrics) {
        int records = 0;
        for (ByteBuf batch : read.read().buffers()) {
            records += RecordBatches.recordCount(batch);
        }
        metrics.fetched(read.partition().topic(), read.bytes(), records);
    }

    /**
     * The response: every partition read, or for an incremental fetch only those its session must send; the
     * session (if any) remembers what was sent.
     */
    private static AbstractResponse respond(List<PartitionRead> results, Plan plan, TopicMetrics metrics) {
        FetchSession session = plan.session();
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code())
                .setSessionId(session == null ? FetchMetadata.INVALID_SESSION_ID : session.id());
        try {
            FetchResponseData.FetchableTopicResponse topic = null;
            for (PartitionRead read : results) {
                FetchResponseData.PartitionData data = read.data();
                boolean mustSend = session == null || session.mustSend(read.partition(), read.hasRecords(),
                        data.errorCode() != Errors.NONE.code(), new SentState(data.highWatermark(),
                                data.lastStableOffset(), data.logStartOffset()));
                if (plan.incremental() && !mustSend) {
                    continue;
                }
                FetchedPartition p = read.partition();
                if (topic == null || !topic.topicId().equals(p.topicId())
                        || !Objects.equals(topic.topic(), p.topic())) {
                    topic = new FetchResponseData.FetchableTopicResponse().setTopicId(p.topicId())
                            .setTopic(p.topic() == null ? "" : p.topic());
                    response.responses().add(topic);
                }
                // The response takes references of its own: the reads are released once it is built.
                topic.partitions().add(data.setRecords(read.hasRecords()
                        ? new BatchListRecords(read.read().retainedBuffers()) : MemoryRecords.EMPTY));
                if (read.hasRecords() && metrics.enabled()) {
                    sent(read, metrics);
                }
            }
        } catch (RuntimeException e) {
            BatchListRecords.releaseFrom(FetchResponse.of(response));
            throw e;
        }
        return FetchResponse.of(response);
    }
}
