package io.ledgerstream.log.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad transaction requests, sent raw (built with kafka-clients' request classes) to one broker on real bookies, get
 * the error codes Kafka's transaction and group coordinators answer with.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransactionErrorsITCase {
    private static final int MAX_TIMEOUT_MS = 60_000;
    private static final String TOPIC = "orders";
    private static final TopicPartition ORDERS_0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition(TOPIC, 1);

    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static Socket socket;
    static int correlationId;

    @BeforeAll
    static void start() throws Exception {
        // One partition of __transaction_state: every transactional id has the same, already loaded, coordinator.
        cluster = LocalCluster.start(dir.toFile(), 1, 3, Map.of(
                "transaction.state.log.num.partitions", "1",
                "transaction.max.timeout.ms", Integer.toString(MAX_TIMEOUT_MS)));
        try (Admin admin = TestClients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
            // The admin client retries while the group coordinator loads; once this answers, it is ready.
            admin.listConsumerGroupOffsets("warm-up").partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        }
        socket = new Socket("127.0.0.1", cluster.broker(0).kafkaPort());
        socket.setSoTimeout(30_000);
        Await.until("the transaction coordinator has loaded its partition", Duration.ofSeconds(60),
                () -> initProducerId("warm-up", MAX_TIMEOUT_MS).errorCode() == Errors.NONE.code());
    }

    @AfterAll
    static void stop() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static synchronized <T extends AbstractResponse> T send(AbstractRequest request) {
        try {
            return (T) AbstractResponse.parseResponse(request.apiKey(), new ByteBufferAccessor(
                    RawKafkaRequests.exchange(socket, request, ++correlationId)), request.version());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * InitProducerId v5, built from its message: kafka-clients' builder refuses an empty transactional id and a
     * timeout that is not positive before sending, but another client may send them.
     */
    private static InitProducerIdResponseData initProducerId(String transactionalId, int timeoutMs) {
        short version = 5;
        InitProducerIdRequestData data = new InitProducerIdRequestData().setTransactionalId(transactionalId)
                .setTransactionTimeoutMs(timeoutMs);
        InitProducerIdResponse response = send(AbstractRequest.parseRequest(ApiKeys.INIT_PRODUCER_ID, version,
                MessageUtil.toByteBufferAccessor(data, version)).request);
        return response.data();
    }

    /** A producer id and epoch for a new transactional id, from a real InitProducerId. */
    private static InitProducerIdResponseData initialized(String transactionalId) {
        InitProducerIdResponseData producer = initProducerId(transactionalId, MAX_TIMEOUT_MS);
        assertThat(Errors.forCode(producer.errorCode())).as("InitProducerId of " + transactionalId)
                .isEqualTo(Errors.NONE);
        return producer;
    }

    private static Errors endTxn(String transactionalId, long producerId, short epoch, boolean commit, int version) {
        EndTxnResponse response = send(new EndTxnRequest.Builder(new EndTxnRequestData()
                .setTransactionalId(transactionalId).setProducerId(producerId).setProducerEpoch(epoch)
                .setCommitted(commit), false).build((short) version));
        return response.error();
    }

    private static Map<TopicPartition, Errors> addPartitions(String transactionalId, long producerId, short epoch,
                                                             int version, TopicPartition... partitions) {
        AddPartitionsToTxnResponse response = send(AddPartitionsToTxnRequest.Builder.forClient(transactionalId,
                producerId, epoch, Arrays.asList(partitions)).build((short) version));
        return AddPartitionsToTxnResponse.errorsForTransaction(response.data().resultsByTopicV3AndBelow());
    }

    private static Errors addOffsets(String transactionalId, long producerId, short epoch, String group,
                                     int version) {
        AddOffsetsToTxnResponse response = send(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData()
                .setTransactionalId(transactionalId).setProducerId(producerId).setProducerEpoch(epoch)
                .setGroupId(group)).build((short) version));
        return Errors.forCode(response.data().errorCode());
    }

    private static DescribeTransactionsResponseData.TransactionState describe(String transactionalId) {
        DescribeTransactionsResponse response = send(new DescribeTransactionsRequest.Builder(
                new DescribeTransactionsRequestData().setTransactionalIds(List.of(transactionalId)))
                .build((short) 0));
        return response.data().transactionStates().iterator().next();
    }

    private static FindCoordinatorResponseData.Coordinator findCoordinator(
            FindCoordinatorRequest.CoordinatorType type, String key) {
        FindCoordinatorResponse response = send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(type.id()).setCoordinatorKeys(List.of(key))).build((short) 4));
        return response.data().coordinators().get(0);
    }

    private static void assertCoordinatorIsTheBroker(FindCoordinatorRequest.CoordinatorType type, String key) {
        FindCoordinatorResponseData.Coordinator coordinator = findCoordinator(type, key);
        assertThat(Errors.forCode(coordinator.errorCode())).isEqualTo(Errors.NONE);
        assertThat(coordinator.nodeId()).isZero();
        assertThat(coordinator.port()).isEqualTo(cluster.broker(0).kafkaPort());
    }

    @Test
    void endTxnOfAnUnknownTransactionalIdIsAnInvalidProducerIdMapping() {
        assertCoordinatorIsTheBroker(FindCoordinatorRequest.CoordinatorType.TRANSACTION, "never-initialized");

        assertThat(endTxn("never-initialized", 4242, (short) 0, true, 4))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(endTxn("never-initialized", 4242, (short) 0, false, 4))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(Errors.forCode(describe("never-initialized").errorCode()))
                .isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
    }

    @Test
    void addPartitionsWithAnUnknownTransactionalIdFailsEveryPartition() {
        assertThat(addPartitions("never-added", 4242, (short) 0, 3, ORDERS_0, ORDERS_1)).isEqualTo(Map.of(
                ORDERS_0, Errors.INVALID_PRODUCER_ID_MAPPING, ORDERS_1, Errors.INVALID_PRODUCER_ID_MAPPING));
    }

    @Test
    void anUnknownTopicOrPartitionFailsAloneAndTheOthersAreNotAttempted() {
        InitProducerIdResponseData producer = initialized("unknown-topic");
        TopicPartition missingTopic = new TopicPartition("no-such-topic", 0);
        TopicPartition missingPartition = new TopicPartition(TOPIC, 7);

        assertThat(addPartitions("unknown-topic", producer.producerId(), producer.producerEpoch(), 3,
                ORDERS_0, missingTopic, missingPartition)).isEqualTo(Map.of(
                ORDERS_0, Errors.OPERATION_NOT_ATTEMPTED,
                missingTopic, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                missingPartition, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        // The coordinator was not asked: the transaction did not begin.
        DescribeTransactionsResponseData.TransactionState state = describe("unknown-topic");
        assertThat(state.transactionState()).isEqualTo("Empty");
        assertThat(state.topics()).isEmpty();
    }

    @Test
    void internalTopicsAreNotPartitionsOfATransaction() {
        InitProducerIdResponseData producer = initialized("internal-topic");
        TopicPartition offsets = new TopicPartition("__consumer_offsets", 0);
        TopicPartition transactionState = new TopicPartition("__transaction_state", 0);

        assertThat(addPartitions("internal-topic", producer.producerId(), producer.producerEpoch(), 3,
                ORDERS_0, offsets)).isEqualTo(Map.of(
                ORDERS_0, Errors.OPERATION_NOT_ATTEMPTED, offsets, Errors.TOPIC_AUTHORIZATION_FAILED));
        assertThat(addPartitions("internal-topic", producer.producerId(), producer.producerEpoch(), 3,
                transactionState)).isEqualTo(Map.of(transactionState, Errors.TOPIC_AUTHORIZATION_FAILED));
        assertThat(describe("internal-topic").transactionState()).isEqualTo("Empty");
    }

    @Test
    void aProducerIdThatIsNotTheTransactionalIdsIsAnInvalidProducerIdMapping() {
        InitProducerIdResponseData producer = initialized("mismatch");
        long other = producer.producerId() + 1_000;
        short epoch = producer.producerEpoch();

        assertThat(addPartitions("mismatch", other, epoch, 3, ORDERS_0))
                .isEqualTo(Map.of(ORDERS_0, Errors.INVALID_PRODUCER_ID_MAPPING));
        assertThat(addOffsets("mismatch", other, epoch, "mismatch-group", 3))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        // With a transaction open under the right producer id, the wrong one still cannot end it.
        assertThat(addPartitions("mismatch", producer.producerId(), epoch, 3, ORDERS_0))
                .isEqualTo(Map.of(ORDERS_0, Errors.NONE));
        assertThat(endTxn("mismatch", other, epoch, true, 4)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(describe("mismatch").transactionState()).isEqualTo("Ongoing");
        assertThat(endTxn("mismatch", producer.producerId(), epoch, false, 4)).isEqualTo(Errors.NONE);
    }

    @Test
    void anOlderEpochIsProducerFencedSinceVersion2AndInvalidProducerEpochBefore() {
        InitProducerIdResponseData first = initialized("fenced");
        InitProducerIdResponseData second = initialized("fenced");
        assertThat(second.producerId()).isEqualTo(first.producerId());
        assertThat(second.producerEpoch()).isEqualTo((short) (first.producerEpoch() + 1));
        long producerId = first.producerId();
        short old = first.producerEpoch();

        for (int version = 2; version <= 4; version++) {
            assertThat(endTxn("fenced", producerId, old, true, version)).as("EndTxn v" + version)
                    .isEqualTo(Errors.PRODUCER_FENCED);
        }
        for (int version = 0; version <= 1; version++) {
            assertThat(endTxn("fenced", producerId, old, true, version)).as("EndTxn v" + version)
                    .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        }
        assertThat(addPartitions("fenced", producerId, old, 3, ORDERS_0))
                .isEqualTo(Map.of(ORDERS_0, Errors.PRODUCER_FENCED));
        assertThat(addPartitions("fenced", producerId, old, 1, ORDERS_0))
                .isEqualTo(Map.of(ORDERS_0, Errors.INVALID_PRODUCER_EPOCH));
        assertThat(addOffsets("fenced", producerId, old, "fenced-group", 3)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(addOffsets("fenced", producerId, old, "fenced-group", 1)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        // An epoch the coordinator never gave out is refused the same way.
        short newer = (short) (second.producerEpoch() + 1);
        assertThat(endTxn("fenced", producerId, newer, true, 4)).isEqualTo(Errors.PRODUCER_FENCED);
        // None of it touched the current producer's transaction state.
        DescribeTransactionsResponseData.TransactionState state = describe("fenced");
        assertThat(state.transactionState()).isEqualTo("Empty");
        assertThat(state.producerEpoch()).isEqualTo(second.producerEpoch());
    }

    @Test
    void endingATransactionThatNeverBeganIsAnInvalidTxnState() {
        InitProducerIdResponseData producer = initialized("never-began");

        assertThat(endTxn("never-began", producer.producerId(), producer.producerEpoch(), true, 4))
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(endTxn("never-began", producer.producerId(), producer.producerEpoch(), false, 4))
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(describe("never-began").transactionState()).isEqualTo("Empty");
    }

    @Test
    void aCommitRepeatedAfterItCompletedSucceedsAndAnAbortOfItIsAnInvalidTxnState() {
        InitProducerIdResponseData producer = initialized("repeated");
        long producerId = producer.producerId();
        short epoch = producer.producerEpoch();
        assertThat(addPartitions("repeated", producerId, epoch, 3, ORDERS_0, ORDERS_1))
                .isEqualTo(Map.of(ORDERS_0, Errors.NONE, ORDERS_1, Errors.NONE));
        DescribeTransactionsResponseData.TransactionState ongoing = describe("repeated");
        assertThat(ongoing.transactionState()).isEqualTo("Ongoing");
        assertThat(ongoing.topics()).singleElement().satisfies(t -> {
            assertThat(t.topic()).isEqualTo(TOPIC);
            assertThat(t.partitions()).containsExactlyInAnyOrder(0, 1);
        });

        assertThat(endTxn("repeated", producerId, epoch, true, 4)).isEqualTo(Errors.NONE);
        Await.until("the commit's markers are written", Duration.ofSeconds(30),
                () -> describe("repeated").transactionState().equals("CompleteCommit"));

        assertThat(endTxn("repeated", producerId, epoch, true, 4)).isEqualTo(Errors.NONE);
        assertThat(endTxn("repeated", producerId, epoch, false, 4)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(describe("repeated").transactionState()).isEqualTo("CompleteCommit");
    }

    @Test
    void aTransactionalOffsetCommitWithAGenerationOfAGroupThatDoesNotExistIsAnIllegalGeneration() {
        String group = "ghost-group";
        assertCoordinatorIsTheBroker(FindCoordinatorRequest.CoordinatorType.GROUP, group);
        InitProducerIdResponseData producer = initialized("ghost-offsets");
        long producerId = producer.producerId();
        short epoch = producer.producerEpoch();
        assertThat(addOffsets("ghost-offsets", producerId, epoch, group, 3)).isEqualTo(Errors.NONE);

        assertThat(txnOffsetCommit("ghost-offsets", group, producerId, epoch, "ghost-member", 4))
                .isEqualTo(Map.of(ORDERS_0, Errors.ILLEGAL_GENERATION));
        // Without a generation the same commit is accepted, as Kafka accepts it from a producer outside a group.
        assertThat(txnOffsetCommit("ghost-offsets", group, producerId, epoch, "", -1))
                .isEqualTo(Map.of(ORDERS_0, Errors.NONE));
        assertThat(endTxn("ghost-offsets", producerId, epoch, false, 4)).isEqualTo(Errors.NONE);
    }

    private static Map<TopicPartition, Errors> txnOffsetCommit(String transactionalId, String group, long producerId,
                                                               short epoch, String memberId, int generation) {
        TxnOffsetCommitResponse response = send(new TxnOffsetCommitRequest.Builder(transactionalId, group,
                producerId, epoch, Map.of(ORDERS_0, new TxnOffsetCommitRequest.CommittedOffset(10, "",
                Optional.empty())), memberId, generation, Optional.empty(), false).build((short) 3));
        return response.errors();
    }

    @Test
    void aTimeoutAboveTheMaximumIsAnInvalidTransactionTimeout() {
        for (int timeoutMs : new int[] {MAX_TIMEOUT_MS + 1, 0}) {
            InitProducerIdResponseData refused = initProducerId("greedy", timeoutMs);
            assertThat(Errors.forCode(refused.errorCode())).as("timeout " + timeoutMs)
                    .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
            assertThat(refused.producerId()).isEqualTo(-1);
            assertThat(refused.producerEpoch()).isEqualTo((short) -1);
        }
        // A refused InitProducerId leaves nothing behind; the maximum itself is allowed.
        assertThat(Errors.forCode(describe("greedy").errorCode())).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
        assertThat(Errors.forCode(initProducerId("greedy", MAX_TIMEOUT_MS).errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void anEmptyTransactionalIdIsAnInvalidRequest() {
        InitProducerIdResponseData refused = initProducerId("", MAX_TIMEOUT_MS);
        assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refused.producerId()).isEqualTo(-1);
        assertThat(endTxn("", 4242, (short) 0, true, 4)).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(addPartitions("", 4242, (short) 0, 3, ORDERS_0)).isEqualTo(Map.of(ORDERS_0, Errors.INVALID_REQUEST));
    }

    @Test
    void aProducerThatNamesItselfGetsTheNextEpochAndARetryOfThatRequestTheSameAnswer() {
        InitProducerIdResponseData first = initialized("kip-360");
        InitProducerIdResponseData bumped = initProducerIdAs("kip-360", first.producerId(), first.producerEpoch());
        assertThat(Errors.forCode(bumped.errorCode())).isEqualTo(Errors.NONE);
        assertThat(bumped.producerId()).isEqualTo(first.producerId());
        assertThat(bumped.producerEpoch()).isEqualTo((short) (first.producerEpoch() + 1));

        // The answer was lost and the producer asks again with the epoch it had: the same answer, no new epoch.
        InitProducerIdResponseData retried = initProducerIdAs("kip-360", first.producerId(), first.producerEpoch());
        assertThat(Errors.forCode(retried.errorCode())).isEqualTo(Errors.NONE);
        assertThat(retried.producerEpoch()).isEqualTo(bumped.producerEpoch());

        InitProducerIdResponseData stale = initProducerIdAs("kip-360", first.producerId(), (short) 40);
        assertThat(Errors.forCode(stale.errorCode())).isEqualTo(Errors.PRODUCER_FENCED);
        InitProducerIdResponseData other = initProducerIdAs("kip-360", first.producerId() + 1000,
                bumped.producerEpoch());
        assertThat(Errors.forCode(other.errorCode())).isEqualTo(Errors.PRODUCER_FENCED);
    }

    /** InitProducerId v5 of a producer that names its producer id and epoch (KIP-360). */
    private static InitProducerIdResponseData initProducerIdAs(String transactionalId, long producerId, short epoch) {
        short version = 5;
        InitProducerIdRequestData data = new InitProducerIdRequestData().setTransactionalId(transactionalId)
                .setTransactionTimeoutMs(MAX_TIMEOUT_MS).setProducerId(producerId).setProducerEpoch(epoch);
        InitProducerIdResponse response = send(AbstractRequest.parseRequest(ApiKeys.INIT_PRODUCER_ID, version,
                MessageUtil.toByteBufferAccessor(data, version)).request);
        return response.data();
    }
}
