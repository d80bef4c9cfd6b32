package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;

/**
 * AddOffsetsToTxn: adds the group's partition of {@code __consumer_offsets} to the transaction, so the offsets the
 * producer then sends with TxnOffsetCommit are committed or aborted with it.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequest> {
    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;

    private final Authorization authorization;

    AddOffsetsToTxnHandler(TransactionCoordinator transactions, GroupCoordinator groups, Authorization authorization) {
        this.authorization = authorization;
        this.transactions = transactions;
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_OFFSETS_TO_TXN;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AddOffsetsToTxnRequest request) {
        AbstractResponse refused = authorization.refuseUnlessTransactionalOffsets(context, request,
                request.data().transactionalId(), request.data().groupId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        AddOffsetsToTxnRequestData data = request.data();
        int partition = groups.partitionFor(data.groupId());
        if (partition < 0) {
            // The broker is starting: the producer retries.
            return CompletableFuture.completedFuture(answer(Errors.COORDINATOR_LOAD_IN_PROGRESS, context));
        }
        return transactions.addPartitions(data.transactionalId(), data.producerId(), data.producerEpoch(),
                        Set.of(new TopicPartition(OffsetStore.TOPIC, partition)))
                .thenApply(results -> answer(results.values().iterator().next(), context));
    }

    private static AbstractResponse answer(Errors error, RequestContext context) {
        return new AddOffsetsToTxnResponse(new AddOffsetsToTxnResponseData().setErrorCode(
                TransactionErrors.forVersion(error, context.apiVersion(), 2).code()));
    }
}
