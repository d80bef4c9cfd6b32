package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metrics.TopicMetrics;
import io.ledgerstream.log.partition.InvalidRecordBatchException;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.partition.RecordError;
import io.ledgerstream.log.partition.RecordBatches;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.CloseConnectionException;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.InvalidRecordException;
import io.ledgerstream.log.transaction.TransactionVerifier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Produce: exactly one batch per partition, as Kafka requires from v3 on, appended as one ledger entry. The first
 * transactional batch of a producer in a partition is appended only once its transaction coordinator confirms the
 * partition was added to the transaction (KIP-890 verification, as Kafka does by default): one that was not gets
 * TRANSACTION_ABORTABLE (INVALID_TXN_STATE before Produce v11). From v13 topics are named by id; an id no topic has (any
 * more) is UNKNOWN_TOPIC_ID. acks=1 and acks=all both complete once the ack
 * quorum of bookies has the batch (BookKeeper has no weaker acknowledgement); acks=0 sends no response. A partition not acknowledged within the request's {@code timeoutMs}
 * is answered REQUEST_TIMED_OUT, as Kafka does when replication does not finish in time: its batch may still land.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private final PartitionLogs logs;
    private final ClusterView cluster;
    private final TransactionVerifier verifier;
    private final TopicMetrics metrics;
    private final Authorization authorization;

    /** @param metrics where the bytes and records appended for producers are counted, per topic */
    ProduceHandler(PartitionLogs logs, ClusterView cluster, TransactionVerifier verifier, TopicMetrics metrics,
                   Authorization authorization) {
        this.authorization = authorization;
        this.logs = logs;
        this.cluster = cluster;
        this.verifier = verifier;
        this.metrics = metrics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    /**
     * Versions 0 to 2 are advertised though not served, as Apache Kafka 4 does (KAFKA-18659): librdkafka decides
     * whether a broker takes compressed batches from the Produce versions it advertises, and refuses to compress
     * for one without v0. A request at such an old version cannot be parsed and closes its connection.
     */
    @Override
    public short advertisedMinVersion() {
        return ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION;
    }

    /**
     * v12 differs from v11 only for transactions of Kafka's transaction version 2, which this broker does not
     * advertise, so clients keep transactional produce at v11; v13 names topics by id.
     */
    @Override
    public short maxVersion() {
        return 13;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ProduceRequest request) {
        if (context.apiVersion() < 13) {
            return produce(context, request, Map.of());
        }
        Map<Uuid, CompletableFuture<Optional<String>>> names = new HashMap<>();
        request.data().topicData().forEach(t -> names.computeIfAbsent(t.topicId(), cluster::topicName));
        return CompletableFuture.allOf(names.values().toArray(CompletableFuture[]::new)).thenCompose(v -> {
            Map<Uuid, String> resolved = new HashMap<>();
            names.forEach((id, name) -> name.join().ifPresent(n -> resolved.put(id, n)));
            return produce(context, request, resolved);
        });
    }

    /**
     * Appends each partition's batch.
     *
     * @param names the names of the topics the request names by id (v13 and later); an id missing here is
     *              UNKNOWN_TOPIC_ID
     */
    private CompletableFuture<AbstractResponse> produce(RequestContext context, ProduceRequest request,
                                                        Map<Uuid, String> names) {
        boolean byId = context.apiVersion() >= 13;
        short acks = request.acks();
        // 0 or less: no bound. With acks=0 nobody waits for the answer, but the bound still frees the connection.
        int timeoutMs = request.timeout();
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<Void>> partitions = new ArrayList<>();
        List<CompletableFuture<Void>> issued = new ArrayList<>();
        // Kafka's checks: a request carrying transactional batches needs Write on its transactional id (and one), so
        // that nobody adds batches to another producer's transaction; then Write on each topic. A refused batch is
        // not written at all.
        boolean transactionalIdAllowed = !transactional(request) || request.transactionalId() != null
                && authorization.transactionalId(context, AclOperation.WRITE, request.transactionalId());
        for (ProduceRequestData.TopicProduceData topic : request.data().topicData()) {
            String name = byId ? names.get(topic.topicId()) : topic.name();
            Errors refused = !transactionalIdAllowed ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                    : name != null && !authorization.topic(context, AclOperation.WRITE, name)
                    ? Errors.TOPIC_AUTHORIZATION_FAILED : null;
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(byId ? "" : topic.name()).setTopicId(topic.topicId());
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                ProduceResponseData.PartitionProduceResponse result = new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partition.index()).setLogAppendTimeMs(-1).setBaseOffset(-1).setLogStartOffset(-1);
                topicResponse.partitionResponses().add(result);
                if (acks != 0 && acks != 1 && acks != -1) {
                    result.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                    continue;
                }
                if (refused != null) {
                    result.setErrorCode(refused.code());
                    continue;
                }
                if (name == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                            .setErrorMessage("No topic has the id " + topic.topicId());
                    continue;
                }
                CompletableFuture<Void> partitionIssued = new CompletableFuture<>();
                issued.add(partitionIssued);
                partitions.add(append(new TopicPartition(name, partition.index()),
                        (MemoryRecords) partition.records(), partitionIssued, timeoutMs,
                        request.transactionalId(), context.apiVersion()).handle((appended, error) -> {
                            if (error != null) {
                                result.setErrorCode(KafkaErrors.forException(error).code())
                                        .setErrorMessage(KafkaErrors.message(error))
                                        .setRecordErrors(recordErrors(error));
                            } else {
                                metrics.produced(name, appended.bytes(), appended.records());
                                result.setErrorCode(Errors.NONE.code()).setBaseOffset(appended.baseOffset())
                                        .setLogStartOffset(appended.logStartOffset())
                                        .setLogAppendTimeMs(appended.logAppendTimeMs());
                            }
                            return null;
                        }));
            }
        }
        CompletableFuture.allOf(issued.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> context.ordered().complete(null));
        CompletableFuture<Void> all = CompletableFuture.allOf(partitions.toArray(CompletableFuture[]::new));
        if (acks == 0) {
            // No response; a failure closes the connection so the producer notices.
            return all.thenApply(v -> {
                for (ProduceResponseData.TopicProduceResponse topic : response.responses()) {
                    for (ProduceResponseData.PartitionProduceResponse p : topic.partitionResponses()) {
                        if (p.errorCode() != Errors.NONE.code()) {
                            throw new CloseConnectionException("acks=0 produce to "
                                    + (byId ? topic.topicId() : topic.name()) + "-" + p.index()
                                    + " failed: " + Errors.forCode(p.errorCode()));
                        }
                    }
                }
                return null;
            });
        }
        return all.thenApply(v -> new ProduceResponse(response));
    }

    /** Where a batch landed, and its size and records as appended. */
    private record Appended(long baseOffset, long logStartOffset, long logAppendTimeMs, int bytes, int records) {
    }

    /** The records refused one by one, as kafka-clients reads them to say which record of a batch was bad. */
    private static List<ProduceResponseData.BatchIndexAndErrorMessage> recordErrors(Throwable error) {
        if (!(Futures.unwrap(error) instanceof InvalidRecordBatchException invalid)) {
            return new ArrayList<>();
        }
        List<ProduceResponseData.BatchIndexAndErrorMessage> errors = new ArrayList<>();
        for (RecordError recordError : invalid.recordErrors()) {
            errors.add(new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(recordError.batchIndex())
                    .setBatchIndexErrorMessage(recordError.message()));
        }
        return errors;
    }

    /**
     * Appends the partition's batch. {@code issued} completes once the log has the append in its order (or the
     * append failed before reaching the log); the response comes later, when the bookies acknowledge it, or when
     * {@code timeoutMs} (if positive) has passed.
     */
    private CompletableFuture<Appended> append(TopicPartition partition, MemoryRecords records,
                                               CompletableFuture<Void> issued, int timeoutMs, String transactionalId,
                                               short version) {
        // Whoever claims first completes `issued`: the append, once the batch has its place in the log, or the end of
        // the request (timeout, or a log that failed to open) when the append never started. A timeout during the
        // append must not let the next request go first.
        AtomicBoolean claimed = new AtomicBoolean();
        // As in Kafka, Produce never creates a topic: a missing one is UNKNOWN_TOPIC_OR_PARTITION (clients create
        // topics through Metadata requests that allow it, or CreateTopics).
        CompletableFuture<Appended> appended = logs.log(partition)
                .thenCompose(log -> verified(log, partition, records, transactionalId, version))
                .thenCompose(log -> {
                    if (!claimed.compareAndSet(false, true)) {
                        // The request already ended (timed out) while the log opened or the transaction was
                        // verified: the batch is not appended.
                        throw new IllegalStateException("Produce to " + partition
                                + " timed out before its batch could be appended");
                    }
                    try {
                        return appendTo(log, partition, records);
                    } finally {
                        issued.complete(null);
                    }
                });
        if (timeoutMs > 0) {
            // Also bounds a log that never opens, so the connection's next produce is not held back for ever.
            appended.orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        }
        appended.whenComplete((a, e) -> {
            if (claimed.compareAndSet(false, true)) {
                issued.complete(null);
            }
        });
        return appended;
    }

    /**
     * The log, once the coordinator confirmed that a transactional batch's partition is in its transaction; only
     * the producer's first batch in the partition is asked about, as in Kafka.
     */
    private CompletableFuture<PartitionLog> verified(PartitionLog log, TopicPartition partition,
                                                     MemoryRecords records, String transactionalId, short version) {
        ByteBuffer buffer = records.buffer();
        if (buffer.remaining() < RecordBatches.HEADER_SIZE || !RecordBatches.isTransactionalOrControl(buffer)
                || RecordBatches.isControl(buffer) || !intact(buffer)
                || log.hasOpenTransaction(RecordBatches.producerId(buffer))) {
            // Not transactional, or refused anyway when appended, or not the producer's first batch here.
            return CompletableFuture.completedFuture(log);
        }
        if (transactionalId == null) {
            return CompletableFuture.failedFuture(new TransactionalIdAuthorizationException(
                    "A transactional batch for " + partition + " needs the request's transactional id"));
        }
        return verifier.verify(transactionalId, RecordBatches.producerId(buffer), RecordBatches.producerEpoch(buffer),
                partition).thenApply(error -> {
                    if (error == Errors.NONE) {
                        return log;
                    }
                    throw refusal(error, partition, version);
                });
    }

    /** Whether any partition's first batch is transactional (Kafka requires one batch per partition). */
    private static boolean transactional(ProduceRequest request) {
        for (ProduceRequestData.TopicProduceData topic : request.data().topicData()) {
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                if (partition.records() instanceof MemoryRecords records) {
                    ByteBuffer buffer = records.buffer();
                    if (buffer.remaining() >= RecordBatches.HEADER_SIZE && RecordBatches.isTransactionalOrControl(buffer)
                            && !RecordBatches.isControl(buffer)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether the bytes are exactly one intact batch (its CRC is checked again when it is appended). */
    private static boolean intact(ByteBuffer buffer) {
        try {
            RecordBatches.validate(buffer, Integer.MAX_VALUE);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A verification's answer as the produce error Kafka gives for it. */
    private static ApiException refusal(Errors error, TopicPartition partition, short version) {
        return switch (error) {
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH.exception();
            case TRANSACTION_ABORTABLE, INVALID_TXN_STATE -> version >= 11
                    ? new TransactionAbortableException("Partition " + partition
                            + " was not added to the transaction")
                    : new InvalidTxnStateException("Partition " + partition + " was not added to the transaction");
            case INVALID_PRODUCER_ID_MAPPING -> error.exception();
            // The coordinator could not be asked now: the client retries.
            default -> new NotEnoughReplicasException("Could not verify the transaction of " + partition + ": "
                    + error);
        };
    }

    private static CompletableFuture<Appended> appendTo(PartitionLog log, TopicPartition partition,
                                                        MemoryRecords records) {
        List<ByteBuffer> batches = RecordBatches.split(records.buffer());
        if (batches.size() != 1) {
            throw new InvalidRecordException("Produce request for " + partition
                    + " carries " + batches.size() + " record batches; exactly one is expected");
        }
        checkFromClient(batches.get(0), partition);
        // The log validates the batch (magic, size, CRC) before it writes anything.
        ByteBuffer batch = batches.get(0);
        int bytes = batch.remaining();
        // Read before the append, which may take the buffer over; a batch too short for a header is refused by it.
        int count = batch.remaining() >= RecordBatches.HEADER_SIZE ? RecordBatches.recordCount(batch) : 0;
        return log.appendAsync(batch)
                .thenApply(appended -> new Appended(appended.baseOffset(), log.logStartOffset(),
                        appended.logAppendTimeMs(), bytes, count));
    }

    /**
     * What Kafka refuses from a client but accepts from the broker itself: a base offset other than 0, a control
     * batch (transaction markers are the broker's to write) and a producer id without a sequence. The log checks
     * everything else.
     */
    private static void checkFromClient(ByteBuffer batch, TopicPartition partition) {
        if (batch.remaining() < RecordBatches.HEADER_SIZE) {
            return;
        }
        String refusal = null;
        if (RecordBatches.baseOffset(batch) != 0) {
            // Outside the CRC: Kafka refuses it before looking at the CRC.
            throw new InvalidRecordException("The baseOffset of the record batch in the append to " + partition
                    + " should be 0, but it is " + RecordBatches.baseOffset(batch));
        } else if (RecordBatches.isControl(batch)) {
            refusal = "Clients are not allowed to write control records in topic partition " + partition;
        } else if (RecordBatches.producerId(batch) >= 0 && RecordBatches.baseSequence(batch) < 0) {
            refusal = "Invalid sequence number " + RecordBatches.baseSequence(batch)
                    + " in record batch with producerId " + RecordBatches.producerId(batch);
        }
        if (refusal != null) {
            // The flags lie inside the CRC: a damaged batch is corrupt rather than invalid, as in Kafka, where the
            // CRC is checked first. Checked only here, so that a valid batch's CRC is computed once, by the log.
            RecordBatches.validate(batch, Integer.MAX_VALUE);
            throw new InvalidRecordException(refusal);
        }
    }
}
