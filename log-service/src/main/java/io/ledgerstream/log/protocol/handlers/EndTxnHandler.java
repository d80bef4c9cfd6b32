package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;

/**
 * EndTxn: commits or aborts the producer's transaction. Answered once the decision is durable; the markers follow.
 * v5 belongs to transaction version 2 (KIP-890), which is not served.
 */
public final class EndTxnHandler implements ApiHandler<EndTxnRequest> {
    private final TransactionCoordinator transactions;

    private final Authorization authorization;

    EndTxnHandler(TransactionCoordinator transactions, Authorization authorization) {
        this.authorization = authorization;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.END_TXN;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, EndTxnRequest request) {
        AbstractResponse refused = authorization.refuseUnlessTransactionalId(context, request, AclOperation.WRITE, request.data().transactionalId());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        EndTxnRequestData data = request.data();
        return transactions.endTransaction(data.transactionalId(), data.producerId(), data.producerEpoch(),
                        data.committed())
                .thenApply(error -> new EndTxnResponse(new EndTxnResponseData().setErrorCode(
                        TransactionErrors.forVersion(error, context.apiVersion(), 2).code())));
    }
}
