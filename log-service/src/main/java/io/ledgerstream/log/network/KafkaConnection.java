package io.ledgerstream.log.network;

import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.RequestContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Requests are handled one at a time, in arrival order, as Kafka brokers do: the next
 * starts once the previous response was written, so responses leave in request order. A frame that cannot be
 * parsed, or names an API we do not serve, closes this connection with one log line; nothing else is affected.
 *
 * <p>Confined to the channel's event loop; handlers complete elsewhere and hop back to it.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
    /** Frames queued beyond this stop reading from the socket until the queue drains. */
    private static final int MAX_QUEUED = 16;

    private final ApiHandlers handlers;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean closed;

    KafkaConnection(ApiHandlers handlers) {
        this.handlers = handlers;
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
        if (!busy) {
            next(ctx);
        }
    }

    private void next(ChannelHandlerContext ctx) {
        if (closed) {
            queued.forEach(ByteBuf::release);
            queued.clear();
            busy = false;
            return;
        }
        ByteBuf frame = queued.pollFirst();
        if (frame == null) {
            busy = false;
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
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
            if (api == ApiKeys.API_VERSIONS && header.apiVersion() > handlers.handler(api).maxVersion()) {
                // Kafka's rule: answer an unknown ApiVersions version with v0 and our versions, so the client can retry.
                writeResponse(ctx, header, unsupportedApiVersions(), (short) 0);
                return;
            }
            request = AbstractRequest.parseRequest(api, header.apiVersion(), new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            close(ctx, "malformed request: " + e);
            return;
        } finally {
            frame.release();
        }
        RequestContext context = new RequestContext(header, ctx.channel().remoteAddress(), ctx.executor());
        handlers.dispatch(context, request).whenComplete((response, error) -> ctx.executor().execute(() -> {
            if (error != null) {
                close(ctx, header.apiKey() + " request failed: " + io.ledgerstream.log.protocol.KafkaErrors.message(error));
            } else if (response == null) {
                next(ctx);
            } else {
                writeResponse(ctx, header, response, header.apiVersion());
            }
        }));
    }

    private AbstractResponse unsupportedApiVersions() {
        return new ApiVersionsResponse(new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(handlers.advertisedVersions()));
    }

    private void writeResponse(ChannelHandlerContext ctx, RequestHeader header, AbstractResponse response,
                               short version) {
        ByteBuf bytes;
        try {
            ResponseHeader responseHeader = header.toResponseHeader();
            bytes = ByteBufWritable.encode(ctx.alloc(), responseHeader.data(), responseHeader.headerVersion(),
                    response.data(), version);
        } catch (RuntimeException e) {
            close(ctx, "cannot encode the " + header.apiKey() + " response: " + e);
            return;
        }
        ctx.writeAndFlush(bytes).addListener(f -> {
            if (f.isSuccess()) {
                next(ctx);
            } else {
                close(ctx, "write failed: " + f.cause());
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            close(ctx, "idle beyond connections.max.idle.ms");
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
            LOG.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        }
        queued.forEach(ByteBuf::release);
        queued.clear();
        ctx.close();
    }
}
