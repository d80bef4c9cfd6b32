package io.ledgerstream.log.network;

import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * One client connection: parses its frames, starts their requests as {@link RequestOrder} allows (in arrival order,
 * consecutive Produce requests overlapping once each is ordered in its logs) and writes the answers in request
 * order. A frame that cannot be parsed, or names an API we do not serve, closes this connection with one log line
 * (at most one a minute per client host, {@link ConnectionCloseLog}); nothing else is affected. ApiVersions of a
 * version we do not serve, negative ones included, is answered as Kafka answers it. Requests received before the
 * client closed its end are still served; a connection we close drops what it had not started.
 *
 * <p>Confined to the channel's event loop; handlers complete elsewhere and hop back to it.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    /** Frames queued beyond this stop reading from the socket until the queue drains. */
    private static final int MAX_QUEUED = 16;

    private final String listenerName;
    private final ApiHandlers handlers;
    private final ConnectionCloseLog closeLog;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private final RequestOrder order = new RequestOrder();
    private boolean closed;
    /** The client has closed its end: what it sent before is still served, then the connection closes. */
    private boolean inputShut;

    /** A connection accepted by the listener of that name. */
    KafkaConnection(String listenerName, ApiHandlers handlers, ConnectionCloseLog closeLog) {
        this.listenerName = listenerName;
        this.handlers = handlers;
        this.closeLog = closeLog;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ((ByteBuf) msg).release();
            return;
        }
        queued.addLast((ByteBuf) msg);
        if (queued.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        startWhatMay(ctx);
    }

    /** Starts queued requests for as long as the one at the head of the queue may start. */
    private void startWhatMay(ChannelHandlerContext ctx) {
        while (!closed) {
            ByteBuf frame = queued.peekFirst();
            if (frame == null) {
                if (inputShut) {
                    if (order.idle()) {
                        ctx.close();
                    }
                } else {
                    ctx.channel().config().setAutoRead(true);
                }
                return;
            }
            if (!order.mayStart(isProduce(frame))) {
                return;
            }
            start(ctx, queued.pollFirst());
        }
    }

    private static boolean isProduce(ByteBuf frame) {
        return frame.readableBytes() >= 2 && frame.getShort(frame.readerIndex()) == ApiKeys.PRODUCE.id;
    }

    private void start(ChannelHandlerContext ctx, ByteBuf frame) {
        RequestHeader header;
        AbstractRequest request;
        try {
            // Parsed requests (produce records above all) outlive the frame, whose pooled memory Netty reuses once
            // released: they get a heap copy of their own.
            ByteBuffer buffer = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(buffer);
            buffer.flip();
            header = RequestHeader.parse(buffer);
            ApiKeys api = header.apiKey();
            if (!handlers.serves(api)) {
                throw new IllegalArgumentException("API " + api + " is not served");
            }
            if (api == ApiKeys.API_VERSIONS
                    && (header.apiVersion() < 0 || header.apiVersion() > handlers.handler(api).maxVersion())) {
                // Kafka's rule: answer an unknown ApiVersions version, too high or negative, with v0 and our versions,
                // so the client can retry; its body is not parsed.
                answered(ctx, order.start(header, false, (short) 0), unsupportedApiVersions());
                return;
            }
            request = AbstractRequest.parseRequest(api, header.apiVersion(), new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            close(ctx, "malformed request: " + e);
            return;
        } finally {
            frame.release();
        }
        RequestOrder.Started started = order.start(header, header.apiKey() == ApiKeys.PRODUCE, header.apiVersion());
        CompletableFuture<Void> ordered = new CompletableFuture<>();
        RequestContext context = new RequestContext(header, listenerName, ctx.channel().remoteAddress(),
                ctx.executor(), ordered);
        handlers.dispatch(context, request).whenComplete((response, error) -> ctx.executor().execute(() -> {
            ordered.complete(null);
            if (error != null) {
                close(ctx, header.apiKey() + " request failed: " + KafkaErrors.message(error));
            } else {
                answered(ctx, started, response);
            }
        }));
        // Only a Produce lets the next request start before its answer; for any other, being answered is enough.
        if (!started.produce) {
            return;
        }
        if (ordered.isDone()) {
            // Most produce requests find their logs open and are ordered before dispatch returns.
            order.ordered(started);
        } else {
            ordered.whenComplete((v, e) -> ctx.executor().execute(() -> {
                order.ordered(started);
                startWhatMay(ctx);
            }));
        }
    }

    /** Records a request's response (null when none is sent) and writes every answered request at the head. */
    private void answered(ChannelHandlerContext ctx, RequestOrder.Started request, AbstractResponse response) {
        order.answered(request, response);
        for (RequestOrder.Started next; !closed && (next = order.nextToWrite()) != null; ) {
            if (next.response() != null) {
                write(ctx, next);
            }
        }
        startWhatMay(ctx);
    }

    private AbstractResponse unsupportedApiVersions() {
        return new ApiVersionsResponse(new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(handlers.advertisedVersions()));
    }

    private void write(ChannelHandlerContext ctx, RequestOrder.Started request) {
        ByteBuf bytes;
        try {
            ResponseHeader responseHeader = request.header.toResponseHeader();
            bytes = ByteBufWritable.encode(ctx.alloc(), responseHeader.data(), responseHeader.headerVersion(),
                    request.response().data(), request.responseVersion);
        } catch (RuntimeException e) {
            close(ctx, "cannot encode the " + request.header.apiKey() + " response: " + e);
            return;
        }
        order.writing();
        ctx.writeAndFlush(bytes).addListener(f -> {
            order.written();
            if (f.isSuccess()) {
                startWhatMay(ctx);
            } else {
                close(ctx, "write failed: " + f.cause());
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            close(ctx, "idle beyond connections.max.idle.ms");
        } else if (event instanceof ChannelInputShutdownEvent) {
            // The client closed its end (the server allows half-closure). What it sent before is served and
            // answered as far as it can still be, as a Kafka broker does: a producer with acks=0 closes right after
            // its last send and expects those records to land. Then the connection closes.
            inputShut = true;
            startWhatMay(ctx);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(ctx, cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        queued.forEach(ByteBuf::release);
        queued.clear();
    }

    private void close(ChannelHandlerContext ctx, String reason) {
        if (!closed) {
            closed = true;
            closeLog.closed(ctx.channel().remoteAddress(), reason);
        }
        queued.forEach(ByteBuf::release);
        queued.clear();
        ctx.close();
    }
}
