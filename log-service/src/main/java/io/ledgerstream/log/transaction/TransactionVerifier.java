package io.ledgerstream.log.transaction;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.network.BrokerClient;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

/**
 * Asks a transactional id's coordinator, here or on another broker (AddPartitionsToTxn v4 with verifyOnly, as
 * Kafka's partition leaders do, KIP-890), whether a partition was added to the producer's open transaction, before
 * a partition accepts the producer's first transactional batch.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
@ThreadSafe
public final class TransactionVerifier {
    private static final short VERIFY_VERSION = 4;
    private static final long REQUEST_TIMEOUT_MS = 10_000;

    private final int brokerId;
    private final TransactionCoordinator coordinator;
    private final ClusterView cluster;
    private final BrokerClient brokers;

    public TransactionVerifier(int brokerId, TransactionCoordinator coordinator, ClusterView cluster,
                               BrokerClient brokers) {
        this.brokerId = brokerId;
        this.coordinator = coordinator;
        this.cluster = cluster;
        this.brokers = brokers;
    }

    /**
     * NONE when {@code partition} is part of the producer's open transaction; TRANSACTION_ABORTABLE when it is
     * not; PRODUCER_FENCED or INVALID_PRODUCER_ID_MAPPING for the wrong producer; a retriable error
     * (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION) when it could not be
     * told.
     */
    public CompletableFuture<Errors> verify(String transactionalId, long producerId, short epoch,
                                            TopicPartition partition) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_TXN_STATE);
        }
        TopicPartition statePartition = new TopicPartition(TransactionCoordinator.topic(),
                coordinator.partitionFor(transactionalId));
        Optional<BrokerRegistration> leader = cluster.liveLeader(statePartition);
        if (leader.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        if (leader.get().id() == brokerId) {
            return coordinator.verify(transactionalId, producerId, epoch, Set.of(partition))
                    .thenApply(results -> results.get(partition));
        }
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(partition.topic())
                .setPartitions(List.of(partition.partition())));
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection transactions =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                .setTransactionalId(transactionalId).setProducerId(producerId).setProducerEpoch(epoch)
                .setVerifyOnly(true).setTopics(topics));
        return brokers.send(leader.get(),
                        AddPartitionsToTxnRequest.Builder.forBroker(transactions), VERIFY_VERSION, REQUEST_TIMEOUT_MS)
                .handle((response, error) -> error != null ? Errors.NETWORK_EXCEPTION
                        : resultFor((AddPartitionsToTxnResponse) response, transactionalId, partition));
    }

    private static Errors resultFor(AddPartitionsToTxnResponse response, String transactionalId,
                                    TopicPartition partition) {
        AddPartitionsToTxnResponseData data = response.data();
        if (data.errorCode() != Errors.NONE.code()) {
            return Errors.forCode(data.errorCode());
        }
        AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result =
                data.resultsByTransaction().find(transactionalId);
        if (result == null) {
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult topic = result.topicResults()
                .find(partition.topic());
        if (topic == null) {
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult p = topic.resultsByPartition()
                .find(partition.partition());
        return p == null ? Errors.UNKNOWN_SERVER_ERROR : Errors.forCode(p.partitionErrorCode());
    }
}
