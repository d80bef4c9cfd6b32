package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;

/**
 * ListTransactions: the transactional ids this broker coordinates, filtered by state, producer id and (v1) how
 * long their transaction has been open. Unknown state names are reported back and match nothing, as in Kafka. Only
 * the ids the principal may describe are listed, as in Kafka.
 */
public final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequest> {
    private static final Set<String> STATES = Set.of("Empty", "Ongoing", "PrepareCommit", "PrepareAbort",
            "CompleteCommit", "CompleteAbort", "PrepareEpochFence", "Dead");

    private final TransactionCoordinator transactions;
    private final Authorization authorization;

    ListTransactionsHandler(TransactionCoordinator transactions, Authorization authorization) {
        this.transactions = transactions;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_TRANSACTIONS;
    }

    @Override
    public short maxVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListTransactionsRequest request) {
        ListTransactionsRequestData data = request.data();
        ListTransactionsResponseData response = new ListTransactionsResponseData().setErrorCode(Errors.NONE.code());
        Set<String> states = new HashSet<>(data.stateFilters());
        for (String state : data.stateFilters()) {
            if (!STATES.contains(state)) {
                response.unknownStateFilters().add(state);
            }
        }
        if (!states.isEmpty() && response.unknownStateFilters().size() == states.size()) {
            return CompletableFuture.completedFuture(new ListTransactionsResponse(response));
        }
        return transactions.list(states, new HashSet<>(data.producerIdFilters()), data.durationFilter())
                .thenApply(list -> {
                    list.stream().filter(d -> authorization.transactionalId(context, AclOperation.DESCRIBE,
                            d.transactionalId())).forEach(d -> response.transactionStates().add(
                            new ListTransactionsResponseData.TransactionState().setTransactionalId(d.transactionalId())
                                    .setProducerId(d.producerId()).setTransactionState(d.state().kafkaName())));
                    return new ListTransactionsResponse(response);
                });
    }
}
