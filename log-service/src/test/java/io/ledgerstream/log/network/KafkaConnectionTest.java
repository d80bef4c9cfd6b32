package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.SecuredListener;
import io.ledgerstream.log.security.ServerSecurity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
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
 * request order.
 */
class KafkaConnectionTest {
    private final Scripted<ProduceRequest> produce = new Scripted<>(ApiKeys.PRODUCE, (short) 11);
    private final Scripted<MetadataRequest> metadata = new Scripted<>(ApiKeys.METADATA, (short) 12);
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new KafkaConnection(SecuredListener.plaintext("PLAINTEXT"),
                    ServerSecurity.plaintext(NetworkConfig.fromMap(Map.of())),
                    new ApiHandlers().register(produce).register(metadata),
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
            Call call = new Call(context, new CompletableFuture<>());
            calls.add(call);
            return call.response;
        }

        List<Integer> correlationIds() {
            return calls.stream().map(c -> c.context.header().correlationId()).toList();
        }
    }

    private record Call(RequestContext context, CompletableFuture<AbstractResponse> response) {
    }
}
