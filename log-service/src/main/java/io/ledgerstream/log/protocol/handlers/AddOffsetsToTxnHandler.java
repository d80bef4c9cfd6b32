package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.group.OffsetStore;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;

/**
 * AddOffsetsToTxn: adds the group's offsets partition to the transaction, so the offsets the producer then sends
 * with TxnOffsetCommit are committed or aborted with it.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequest> {
    private final TransactionCoordinator transactions;

    public AddOffsetsToTxnHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
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
        AddOffsetsToTxnRequestData data = request.data();
        return transactions.addPartitions(data.transactionalId(), data.producerId(), data.producerEpoch(),
                        Set.of(OffsetStore.partitionFor(data.groupId())))
                .thenApply(results -> {
                    Errors error = results.values().iterator().next();
                    return new AddOffsetsToTxnResponse(new AddOffsetsToTxnResponseData().setErrorCode(
                            TransactionErrors.forVersion(error, context.apiVersion(), 2).code()));
                });
    }
}
