package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.BatchListRecords;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.SecuredListener;
import io.ledgerstream.log.security.ServerSecurity;
import io.ledgerstream.log.testing.TestBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order rules of one connection, with handlers the test answers by hand: produce requests overlap once the one
 * before is ordered in its logs, any other request waits for everything before it, and responses always leave in
 * request order. A fetch answer's record batches go out as the buffers read (no copy), held until the write is done,
 * and are released when the answer is never written. Frames arriving in pieces through the frame decoder are served
 * from copies of their own, and their bytes go back to the request budget once served.
 */
class KafkaConnectionTest {
    private final Scripted<ProduceRequest> produce = new Scripted<>(ApiKeys.PRODUCE, (short) 11);
    private final Scripted<MetadataRequest> metadata = new Scripted<>(ApiKeys.METADATA, (short) 12);
    private final Scripted<FetchRequest> fetch = new Scripted<>(ApiKeys.FETCH, (short) 12);
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new KafkaConnection(SecuredListener.plaintext("PLAINTEXT"),
                    ServerSecurity.plaintext(NetworkConfig.fromMap(Map.of())),
                    new ApiHandlers().register(produce).register(metadata).register(fetch),
                    new ConnectionCloseLog(java.time.Clock.systemUTC(), 60_000, 100),
                    new KafkaFrameDecoder(1 << 20, Integer.MAX_VALUE, false, new RequestMemory(-1),
                            new ReadPauses())));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aProduceStartsOnceTheOneBeforeIsOrderedAndAnswersLeaveInRequestOrder() {
        send(produceRequest(), 1);
        send(produceRequest(), 2);
        assertThat(produce.correlationIds()).containsExactly(1);

        produce.calls.get(0).context.ordered().complete(null);
        channel.runPendingTasks();
        assertThat(produce.correlationIds()).containsExactly(1, 2);

        produce.calls.get(1).response.complete(new ProduceResponse(new ProduceResponseData()));
        channel.runPendingTasks();
        assertThat(answeredCorrelationIds()).isEmpty();

        produce.calls.get(0).response.complete(new ProduceResponse(new ProduceResponseData()));
        channel.runPendingTasks();
        assertThat(answeredCorrelationIds()).containsExactly(1, 2);
    }

    @Test
    void anotherApiWaitsForEveryRequestBeforeItAndHoldsBackTheProducesAfterIt() {
        send(produceRequest(), 1);
        produce.calls.get(0).context.ordered().complete(null);
        send(metadataRequest(), 2);
        send(produceRequest(), 3);
        channel.runPendingTasks();
        assertThat(metadata.calls).isEmpty();
        assertThat(produce.correlationIds()).containsExactly(1);

        produce.calls.get(0).response.complete(new ProduceResponse(new ProduceResponseData()));
        channel.runPendingTasks();
        assertThat(metadata.correlationIds()).containsExactly(2);
        assertThat(produce.correlationIds()).containsExactly(1);

        metadata.calls.get(0).response.complete(new MetadataResponse(new MetadataResponseData(), (short) 12));
        channel.runPendingTasks();
        assertThat(produce.correlationIds()).containsExactly(1, 3);
        assertThat(answeredCorrelationIds()).containsExactly(1, 2);
    }

    @Test
    void aProduceWithoutResponseLetsTheNextAnswerThrough() {
        send(produceRequest(), 1);
        produce.calls.get(0).context.ordered().complete(null);
        send(produceRequest(), 2);
        channel.runPendingTasks();
        produce.calls.get(1).response.complete(new ProduceResponse(new ProduceResponseData()));
        produce.calls.get(0).response.complete(null);
        channel.runPendingTasks();
        assertThat(answeredCorrelationIds()).containsExactly(2);
    }

    @Test
    void requestsReceivedBeforeTheClientClosedItsEndAreServedAndAnsweredThenTheConnectionCloses() {
        send(produceRequest(), 1);
        send(produceRequest(), 2);
        send(metadataRequest(), 3);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.runPendingTasks();
        assertThat(produce.correlationIds()).containsExactly(1);

        produce.calls.get(0).context.ordered().complete(null);
        channel.runPendingTasks();
        produce.calls.forEach(call -> call.response.complete(new ProduceResponse(new ProduceResponseData())));
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("open while a request is unanswered").isTrue();
        metadata.calls.get(0).response.complete(new MetadataResponse(new MetadataResponseData(), (short) 12));
        channel.runPendingTasks();
        assertThat(answeredCorrelationIds()).containsExactly(1, 2, 3);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aConnectionClosedOnTheBrokerSideDropsAndReleasesWhatItHadNotStarted() {
        send(produceRequest(), 1);
        ByteBuf waiting = send(produceRequest(), 2);
        channel.close();
        channel.runPendingTasks();
        produce.calls.get(0).context.ordered().complete(null);
        channel.runPendingTasks();
        assertThat(produce.correlationIds()).containsExactly(1);
        assertThat(waiting.refCnt()).isZero();
    }

    @Test
    void aResponseCarryingAThrottleTimeMutesTheConnectionForThatTimeOnceSent() {
        // Only the test moves the channel's clock: real time passing (a slow run) must not lift the throttle early.
        channel.freezeTime();
        send(metadataRequest(), 1);
        metadata.calls.get(0).response.complete(new MetadataResponse(
                new MetadataResponseData().setThrottleTimeMs(500), (short) 12));
        channel.runPendingTasks();
        assertThat(answeredCorrelationIds()).containsExactly(1);
        assertThat(channel.config().isAutoRead()).as("reading while throttled").isFalse();

        send(metadataRequest(), 2);
        assertThat(metadata.calls).as("started while throttled").hasSize(1);
        channel.advanceTimeBy(499, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(metadata.calls).as("started while throttled").hasSize(1);

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(metadata.calls).hasSize(2);
        metadata.calls.get(1).response.complete(new MetadataResponse(new MetadataResponseData(), (short) 12));
        channel.runPendingTasks();
        assertThat(answeredCorrelationIds()).containsExactly(2);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aFetchAnswerCarriesTheReadBuffersThemselvesUntilItsWriteIsDone() {
        ByteBuf cached = cachedBatch();
        send(fetchRequest(), 1);
        fetch.calls.get(0).response.complete(fetchResponse(cached.retainedSlice()));
        channel.runPendingTasks();

        ByteBuf written = channel.readOutbound();
        try {
            assertThat(cached.refCnt()).as("the cache's reference and the answer's, until the write is done")
                    .isEqualTo(2);
            assertThat(written).isInstanceOf(CompositeByteBuf.class);
            assertThat(written.isDirect()).as("all direct, so Netty's socket channel writes it without a copy")
                    .isTrue();
            CompositeByteBuf parts = (CompositeByteBuf) written;
            List<Long> addresses = new ArrayList<>();
            for (int i = 0; i < parts.numComponents(); i++) {
                ByteBuf part = parts.component(i);
                if (part.hasMemoryAddress()) {
                    addresses.add(part.memoryAddress() + part.readerIndex());
                }
            }
            assertThat(addresses).as("the batch goes out from the cache's own memory, not a copy")
                    .contains(cached.memoryAddress() + cached.readerIndex());
            int at = ByteBufUtil.indexOf(cached.duplicate(), written);
            assertThat(at).as("the batch's bytes within the answer").isPositive();
        } finally {
            written.release();
        }
        assertThat(cached.refCnt()).as("the answer's reference went with its write").isEqualTo(1);
        cached.release();
    }

    @Test
    void aFetchAnsweredAfterTheConnectionClosedReleasesItsBuffers() {
        ByteBuf cached = cachedBatch();
        send(fetchRequest(), 1);
        channel.close();
        channel.runPendingTasks();
        fetch.calls.get(0).response.complete(fetchResponse(cached.retainedSlice()));
        channel.runPendingTasks();
        assertThat(cached.refCnt()).as("nothing holds the batch but its owner").isEqualTo(1);
        cached.release();
    }

    @Test
    void framesCutIntoPiecesAreServedFromCopiesOfTheirOwnWhileLaterBytesArriveAndTheirBytesGoBack() {
        RequestMemory memory = new RequestMemory(-1);
        KafkaFrameDecoder frames = new KafkaFrameDecoder(1 << 20, Integer.MAX_VALUE, false, memory, new ReadPauses());
        EmbeddedChannel wire = new EmbeddedChannel(frames, new KafkaConnection(SecuredListener.plaintext("PLAINTEXT"),
                ServerSecurity.plaintext(NetworkConfig.fromMap(Map.of())), new ApiHandlers().register(produce),
                new ConnectionCloseLog(java.time.Clock.systemUTC(), 60_000, 100), frames));
        try {
            ByteBuffer first = TestBatches.batch("first", 20, 300, 0);
            ByteBuffer second = TestBatches.batch("second", 20, 300, 0);
            ByteBuf bytes = Unpooled.wrappedBuffer(sized(produceRequest(first), 1), sized(produceRequest(second), 2));
            // In pieces of 1000 bytes in pooled memory, as a socket's reads arrive; the decoder releases each piece.
            while (bytes.isReadable()) {
                ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(1000);
                wire.writeInbound(read.writeBytes(bytes, Math.min(1000, bytes.readableBytes())));
            }
            bytes.release();
            // Pooled memory released by the decoder is handed out again and overwritten.
            for (int i = 0; i < 64; i++) {
                ByteBuf other = PooledByteBufAllocator.DEFAULT.directBuffer(1000);
                other.writeBytes(new byte[1000]).setBytes(0, new byte[] {0x55, 0x55, 0x55, 0x55});
                other.release();
            }
            wire.runPendingTasks();
            produce.calls.get(0).context.ordered().complete(null);
            wire.runPendingTasks();

            assertThat(produce.correlationIds()).containsExactly(1, 2);
            assertThat(records(produce.calls.get(0))).isEqualTo(TestBatches.batch("first", 20, 300, 0));
            assertThat(records(produce.calls.get(1))).isEqualTo(TestBatches.batch("second", 20, 300, 0));
            assertThat(memory.used()).as("bytes of requests still being served").isPositive();
            produce.calls.get(0).response.complete(new ProduceResponse(new ProduceResponseData()));
            produce.calls.get(1).response.complete(new ProduceResponse(new ProduceResponseData()));
            wire.runPendingTasks();
            assertThat(memory.used()).as("bytes of requests served").isZero();
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    /** A produce request carrying {@code batch} for partition 0 of topic t. */
    private static AbstractRequest produceRequest(ByteBuffer batch) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0)
                        .setRecords(org.apache.kafka.common.record.MemoryRecords.readableRecords(batch)))));
        return ProduceRequest.builder(data).build((short) 11);
    }

    /** A request's frame with its 4-byte size in front, as a client sends it. */
    private static ByteBuf sized(AbstractRequest request, int correlationId) {
        ByteBuffer body = request.serializeWithHeader(
                new RequestHeader(request.apiKey(), request.version(), "test", correlationId));
        return Unpooled.buffer(4 + body.remaining()).writeInt(body.remaining()).writeBytes(body);
    }

    /** The record bytes a scripted produce call was given. */
    private static ByteBuffer records(Call call) {
        ProduceRequest request = (ProduceRequest) call.request;
        return ((org.apache.kafka.common.record.MemoryRecords) request.data().topicData().iterator().next()
                .partitionData().get(0).records()).buffer();
    }

    /** A record batch in pooled direct memory, as the tail cache holds one. */
    private static ByteBuf cachedBatch() {
        ByteBuffer batch = TestBatches.batch("k", 5, 100, 0);
        ByteBuf cached = PooledByteBufAllocator.DEFAULT.directBuffer(batch.remaining());
        cached.writeBytes(batch);
        return cached;
    }

    private static AbstractRequest fetchRequest() {
        return FetchRequest.Builder.forConsumer((short) 12, 500, 1, Map.of()).build((short) 12);
    }

    /** A fetch answer whose one partition carries {@code batch}, one reference of which it takes over. */
    private static FetchResponse fetchResponse(ByteBuf batch) {
        FetchResponseData data = new FetchResponseData();
        data.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t").setPartitions(
                new ArrayList<>(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0)
                        .setRecords(new BatchListRecords(List.of(batch)))))));
        return FetchResponse.of(data);
    }

    private static AbstractRequest produceRequest() {
        return ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000))
                .build((short) 11);
    }

    private static AbstractRequest metadataRequest() {
        return new MetadataRequest.Builder(new MetadataRequestData()).build((short) 12);
    }

    /** Sends a request's frame (without its size, as the frame decoder passes it on) and returns the frame. */
    private ByteBuf send(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "test", correlationId);
        ByteBuf frame = Unpooled.wrappedBuffer(request.serializeWithHeader(header));
        channel.writeInbound(frame);
        return frame;
    }

    private List<Integer> answeredCorrelationIds() {
        List<Integer> ids = new ArrayList<>();
        for (ByteBuf response; (response = channel.readOutbound()) != null; ) {
            ids.add(response.getInt(response.readerIndex()));
            response.release();
        }
        return ids;
    }

    /** A handler that only records its calls; the test completes their futures. */
    private static final class Scripted<R extends AbstractRequest> implements ApiHandler<R> {
        private final ApiKeys api;
        private final short maxVersion;
        final List<Call> calls = new ArrayList<>();

        Scripted(ApiKeys api, short maxVersion) {
            this.api = api;
            this.maxVersion = maxVersion;
        }

        @Override
        public ApiKeys apiKey() {
            return api;
        }

        @Override
        public short maxVersion() {
            return maxVersion;
        }

        @Override
        public CompletableFuture<AbstractResponse> handle(RequestContext context, R request) {
            Call call = new Call(context, request, new CompletableFuture<>());
            calls.add(call);
            return call.response;
        }

        List<Integer> correlationIds() {
            return calls.stream().map(c -> c.context.header().correlationId()).toList();
        }
    }

    private record Call(RequestContext context, AbstractRequest request, CompletableFuture<AbstractResponse> response) {
    }
}
