package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;

/**
 * DescribeTransactions: the state, producer and partitions of transactional ids coordinated here. As in Kafka, an id
 * needs Describe on it (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED), and only the partitions of topics the principal
 * may describe are shown.
 */
public final class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequest> {
    private final TransactionCoordinator transactions;
    private final Authorization authorization;

    DescribeTransactionsHandler(TransactionCoordinator transactions, Authorization authorization) {
        this.transactions = transactions;
        this.authorization = authorization;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TRANSACTIONS;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeTransactionsRequest request) {
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        for (String id : request.data().transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState state =
                    new DescribeTransactionsResponseData.TransactionState().setTransactionalId(id)
                            .setTransactionState("").setProducerId(-1).setProducerEpoch((short) -1)
                            .setTransactionStartTimeMs(-1);
            response.transactionStates().add(state);
            if (id.isEmpty()) {
                state.setErrorCode(Errors.INVALID_REQUEST.code());
                continue;
            }
            if (!authorization.transactionalId(context, AclOperation.DESCRIBE, id)) {
                state.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
                continue;
            }
            lookups.add(transactions.describe(id).thenAccept(d -> {
                state.setErrorCode(d.error().code());
                if (d.error() != Errors.NONE) {
                    return;
                }
                state.setTransactionState(d.state().kafkaName()).setTransactionTimeoutMs(d.timeoutMs())
                        .setTransactionStartTimeMs(d.startMs()).setProducerId(d.producerId())
                        .setProducerEpoch(d.epoch());
                Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
                for (TopicPartition tp : d.partitions()) {
                    if (!authorization.topic(context, AclOperation.DESCRIBE, tp.topic())) {
                        continue;
                    }
                    byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
                }
                byTopic.forEach((topic, partitions) -> state.topics().add(
                        new DescribeTransactionsResponseData.TopicData().setTopic(topic).setPartitions(partitions)));
            }));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(v -> new DescribeTransactionsResponse(response));
    }
}
