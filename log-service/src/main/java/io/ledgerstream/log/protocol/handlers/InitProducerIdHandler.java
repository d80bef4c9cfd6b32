package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId. An idempotent producer gets a fresh id at epoch 0, or (giving its id and epoch after an unknown
 * sequence, KIP-360) the next epoch. A transactional id goes to the {@link TransactionCoordinator}: a new one gets
 * epoch 0, a known one the next epoch, after its open transaction is aborted.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final ProducerIdAllocator ids;
    private final TransactionCoordinator transactions;

    private final Authorization authorization;

    InitProducerIdHandler(ProducerIdAllocator ids, TransactionCoordinator transactions,
                          Authorization authorization) {
        this.authorization = authorization;
        this.ids = ids;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    /** v6 adds two-phase commit (KIP-939), which we do not serve. */
    @Override
    public short maxVersion() {
        return 5;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1)
                .setProducerEpoch((short) -1);
        if ((data.producerId() < 0) != (data.producerEpoch() < 0) || "".equals(data.transactionalId())) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response
                    .setErrorCode(Errors.INVALID_REQUEST.code())));
        }
        // Kafka's checks: Write on the transactional id; without one, IdempotentWrite on the cluster or Write on a topic.
        if (data.transactionalId() != null
                && !authorization.transactionalId(context, AclOperation.WRITE, data.transactionalId())) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response
                    .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())));
        }
        if (data.transactionalId() == null && !authorization.idempotentWrite(context)) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())));
        }
        if (data.transactionalId() != null) {
            return transactions.initProducerId(data.transactionalId(), data.transactionTimeoutMs(),
                    data.producerId(), data.producerEpoch()).thenApply(r -> new InitProducerIdResponse(response
                    .setErrorCode(TransactionErrors.forVersion(r.error(), context.apiVersion(), 4).code())
                    .setProducerId(r.producerId()).setProducerEpoch(r.epoch())));
        }
        if (data.producerId() >= 0 && data.producerEpoch() >= 0 && data.producerEpoch() < Short.MAX_VALUE - 1) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response
                    .setErrorCode(Errors.NONE.code()).setProducerId(data.producerId())
                    .setProducerEpoch((short) (data.producerEpoch() + 1))));
        }
        return ids.nextId().thenApply(id -> new InitProducerIdResponse(response.setErrorCode(Errors.NONE.code())
                .setProducerId(id).setProducerEpoch((short) 0)));
    }
}
