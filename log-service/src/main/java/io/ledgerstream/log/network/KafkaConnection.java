package io.ledgerstream.log.network;

import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.BatchListRecords;
import io.ledgerstream.log.protocol.KafkaErrors;
import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.SecuredListener;
import io.ledgerstream.log.security.ServerSecurity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: parses its frames, starts their requests as {@link RequestOrder} allows (in arrival order,
 * consecutive Produce requests overlapping once each is ordered in its logs) and writes the answers in request
 * order. A frame that cannot be parsed, or names an API we do not serve, closes this connection with one log line
 * (at most one a minute per client host, {@link ConnectionCloseLog}); nothing else is affected. ApiVersions of a
 * version we do not serve, negative ones included, is answered as Kafka answers it. Requests received before the
 * client closed its end are still served; a connection we close drops what it had not started. A frame's bytes go
 * back to the broker's {@code queued.max.request.bytes} budget ({@link RequestMemory}) when its request is done or
 * dropped.
 *
 * <p>On a SASL listener, requests before the login completes go to {@link SaslAuthentication}; a failed login is
 * answered, and the connection closed, after {@code connection.failed.authentication.delay.ms}, scheduled on the
 * event loop, which goes on serving its other connections meanwhile. Every request is served as the connection's
 * principal: from the SASL login, else the TLS client certificate, else ANONYMOUS.
 *
 * <p>A response carrying a throttle time (its client is over a quota) mutes the connection for that time once sent.
 *
 * <p>Confined to the channel's event loop; handlers complete elsewhere and hop back to it.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
    /** Frames queued beyond this stop reading from the socket until the queue drains. */
    private static final int MAX_QUEUED = 16;

    private final SecuredListener listener;
    private final ServerSecurity security;
    private final ApiHandlers handlers;
    private final ConnectionCloseLog closeLog;
    private final KafkaFrameDecoder decoder;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private final RequestOrder order = new RequestOrder();
    /** Until the SASL login completes; null on a listener without SASL. */
    private SaslAuthentication sasl;
    private KafkaPrincipal principal;
    private boolean closed;
    /** A login failed: its answer waits for the delay, then the connection closes; nothing else is read. */
    private boolean loginFailed;
    /** The client has closed its end: what it sent before is still served, then the connection closes. */
    private boolean inputShut;
    /** A response carried a quota's throttle time: nothing is read or started until it has passed. */
    private boolean throttled;
    private long throttledUntilNanos;

    /** A connection accepted by {@code listener}, framed by {@code decoder}. */
    KafkaConnection(SecuredListener listener, ServerSecurity security, ApiHandlers handlers,
                    ConnectionCloseLog closeLog, KafkaFrameDecoder decoder) {
        this.listener = listener;
        this.security = security;
        this.handlers = handlers;
        this.closeLog = closeLog;
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closed || loginFailed) {
            decoder.release(KafkaFrameDecoder.bytes(frame));
            frame.release();
            return;
        }
        queued.addLast(frame);
        if (queued.size() >= MAX_QUEUED) {
            decoder.pauses().pause(ctx.channel(), ReadPauses.Reason.QUEUE_FULL);
        }
        startWhatMay(ctx);
    }

    /** Starts queued requests for as long as the one at the head of the queue may start. */
    private void startWhatMay(ChannelHandlerContext ctx) {
        while (!closed && !loginFailed && !throttled) {
            ByteBuf frame = queued.peekFirst();
            if (frame == null) {
                if (inputShut) {
                    if (order.idle()) {
                        ctx.close();
                    }
                } else {
                    decoder.pauses().resume(ctx.channel(), ReadPauses.Reason.QUEUE_FULL);
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

    /** Starts a frame's request; its bytes go back to the broker's budget when it is done. */
    private void start(ChannelHandlerContext ctx, ByteBuf frame) {
        long bytes = KafkaFrameDecoder.bytes(frame);
        CompletableFuture<?> serving = null;
        try {
            serving = serve(ctx, frame);
        } finally {
            if (serving == null) {
                decoder.release(bytes);
            } else {
                serving.whenComplete((response, error) -> decoder.release(bytes));
            }
        }
    }

    /**
     * The frame's bytes on the heap: the unpooled array the decoder copied them into (see
     * KafkaFrameDecoder#extractFrame), which stays the request's after the frame is released, or else a copy (a
     * pooled buffer's memory is reused once released).
     */
    private static ByteBuffer heapCopy(ByteBuf frame) {
        if (frame instanceof UnpooledHeapByteBuf) {
            return ByteBuffer.wrap(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes())
                    .slice();
        }
        ByteBuffer copy = ByteBuffer.allocate(frame.readableBytes());
        frame.readBytes(copy);
        return copy.flip();
    }

    /** Parses and serves a frame: the handler's answer to come, or null when the frame was dealt with at once. */
    private CompletableFuture<?> serve(ChannelHandlerContext ctx, ByteBuf frame) {
        // Parsed requests (produce records above all) outlive the frame: they read the heap copy the decoder made.
        ByteBuffer buffer = heapCopy(frame);
        frame.release();
        if (authenticating(ctx) && sasl.expectsBareToken()) {
            byte[] token = new byte[buffer.remaining()];
            buffer.get(token);
            loginStep(ctx, null, sasl.onToken(token));
            return null;
        }
        RequestHeader header;
        AbstractRequest request;
        try {
            header = RequestHeader.parse(buffer);
            ApiKeys api = header.apiKey();
            if (authenticating(ctx)) {
                SaslAuthentication.Step step = sasl.onRequest(header, buffer);
                if (step.kind() != SaslAuthentication.Step.Kind.SERVE) {
                    loginStep(ctx, header, step);
                    return null;
                }
            }
            if (!handlers.serves(api)) {
                throw new IllegalArgumentException("API " + api + " is not served");
            }
            if (api == ApiKeys.API_VERSIONS
                    && (header.apiVersion() < 0 || header.apiVersion() > handlers.handler(api).maxVersion())) {
                // Kafka's rule: answer an unknown ApiVersions version, too high or negative, with v0 and our versions,
                // so the client can retry; its body is not parsed.
                answered(ctx, order.start(header, false, (short) 0), unsupportedApiVersions());
                return null;
            }
            request = AbstractRequest.parseRequest(api, header.apiVersion(), new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            close(ctx, "malformed request: " + e);
            return null;
        }
        RequestOrder.Started started = order.start(header, header.apiKey() == ApiKeys.PRODUCE, header.apiVersion());
        CompletableFuture<Void> ordered = new CompletableFuture<>();
        RequestContext context = new RequestContext(header, listener.listenerName(), listener.protocol(),
                principal(ctx), ctx.channel().remoteAddress(), ctx.executor(), ordered);
        CompletableFuture<AbstractResponse> serving = handlers.dispatch(context, request);
        serving.whenComplete((response, error) -> {
            try {
                ctx.executor().execute(() -> {
                    ordered.complete(null);
                    if (error != null) {
                        close(ctx, header.apiKey() + " request failed: " + KafkaErrors.message(error));
                    } else {
                        answered(ctx, started, response);
                    }
                });
            } catch (RejectedExecutionException e) {
                // The event loop shut down with the broker: the answer is never written.
                BatchListRecords.releaseFrom(response);
            }
        });
        // Only a Produce lets the next request start before its answer; for any other, being answered is enough.
        if (!started.produce) {
            return serving;
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
        return serving;
    }

    /** Whether requests still go to the SASL login; sets it up for the connection's first frame. */
    private boolean authenticating(ChannelHandlerContext ctx) {
        if (sasl == null && listener.sasl().isPresent()) {
            sasl = new SaslAuthentication(listener.sasl().get(), security.principals(), listener.protocol(),
                    listener.listenerName(), clientAddress(ctx), () -> tlsSession(ctx),
                    handlers.handler(ApiKeys.API_VERSIONS).maxVersion());
        }
        return sasl != null && !sasl.complete();
    }

    /** Acts on what the SASL login made of a frame: {@code header} is null for a bare token. */
    private void loginStep(ChannelHandlerContext ctx, RequestHeader header, SaslAuthentication.Step step) {
        switch (step.kind()) {
            case ANSWER -> {
                if (sasl.complete()) {
                    principal = sasl.principal();
                    decoder.authenticated();
                }
                if (header == null) {
                    writeToken(ctx, step.token());
                } else {
                    answered(ctx, order.start(header, false, header.apiVersion()), step.response());
                }
            }
            case FAIL -> failLogin(ctx, header, step);
            case CLOSE -> close(ctx, step.reason());
            default -> throw new IllegalStateException("A login step " + step.kind() + " is not acted on here");
        }
    }

    /**
     * A failed login: reads nothing more, and after the delay sends the failure's answer, if it has one, and closes.
     * Requests before it were all answered and written (none starts before), so the answer goes out in order.
     */
    private void failLogin(ChannelHandlerContext ctx, RequestHeader header, SaslAuthentication.Step step) {
        loginFailed = true;
        decoder.pauses().pause(ctx.channel(), ReadPauses.Reason.CLOSING);
        dropQueued();
        ctx.executor().schedule(() -> {
            if (closed) {
                return;
            }
            ByteBuf answer = null;
            if (step.response() != null && header != null) {
                try {
                    answer = encode(ctx, header, step.response(), header.apiVersion());
                } catch (RuntimeException e) {
                    close(ctx, step.reason() + "; its answer cannot be encoded: " + e);
                    return;
                }
            }
            if (answer == null) {
                close(ctx, step.reason());
            } else {
                ctx.writeAndFlush(answer).addListener(f -> close(ctx, step.reason()));
            }
        }, security.failedAuthenticationDelayMs(), TimeUnit.MILLISECONDS);
    }

    private void writeToken(ChannelHandlerContext ctx, byte[] token) {
        order.writing();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(token)).addListener(f -> {
            order.written();
            if (f.isSuccess()) {
                startWhatMay(ctx);
            } else {
                close(ctx, "write failed: " + f.cause());
            }
        });
    }

    /**
     * The connection's principal: from its login or its TLS client certificate; ANONYMOUS without either, and while
     * a SASL login is under way (ApiVersions before it), as in Kafka.
     */
    private KafkaPrincipal principal(ChannelHandlerContext ctx) {
        if (sasl != null && !sasl.complete()) {
            return KafkaPrincipal.ANONYMOUS;
        }
        if (principal == null) {
            Optional<SSLSession> session = tlsSession(ctx);
            principal = session.isPresent()
                    ? security.principals().tls(session.get(), clientAddress(ctx), listener.listenerName())
                    : security.principals().plaintext(clientAddress(ctx), listener.listenerName());
        }
        return principal;
    }

    private static Optional<SSLSession> tlsSession(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return tls == null ? Optional.empty() : Optional.of(tls.engine().getSession());
    }

    private static InetAddress clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** Records a request's response (null when none is sent) and writes every answered request at the head. */
    private void answered(ChannelHandlerContext ctx, RequestOrder.Started request, AbstractResponse response) {
        order.answered(request, response);
        if (closed) {
            dropAnswered();
            return;
        }
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

    /**
     * Encodes and writes an answer. The response's own references to its record batches go as soon as it is encoded:
     * the encoded buffer holds references of its own, which Netty releases once the write completes or fails.
     */
    private void write(ChannelHandlerContext ctx, RequestOrder.Started request) {
        ByteBuf bytes;
        try {
            bytes = encode(ctx, request.header, request.response(), request.responseVersion);
        } catch (RuntimeException e) {
            close(ctx, "cannot encode the " + request.header.apiKey() + " response: " + e);
            return;
        } finally {
            BatchListRecords.releaseFrom(request.response());
        }
        int throttleMs = request.response().throttleTimeMs();
        order.writing();
        ctx.writeAndFlush(bytes).addListener(f -> {
            order.written();
            if (f.isSuccess()) {
                if (throttleMs > 0) {
                    throttle(ctx, throttleMs);
                }
                startWhatMay(ctx);
            } else {
                close(ctx, "write failed: " + f.cause());
            }
        });
    }

    /**
     * Reads nothing more from the client, and starts none of its queued requests, for {@code throttleMs} after a
     * response that said so, as Kafka mutes the channel of a client over its quota (the client also waits that long
     * before it sends again). A longer throttle given meanwhile extends it.
     */
    private void throttle(ChannelHandlerContext ctx, int throttleMs) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(throttleMs);
        if (throttled && until - throttledUntilNanos <= 0) {
            return;
        }
        throttled = true;
        throttledUntilNanos = until;
        decoder.pauses().pause(ctx.channel(), ReadPauses.Reason.THROTTLED);
        ctx.executor().schedule(() -> {
            if (closed || throttledUntilNanos != until) {
                // Closed, or a later throttle's own task lifts it.
                return;
            }
            throttled = false;
            decoder.pauses().resume(ctx.channel(), ReadPauses.Reason.THROTTLED);
            startWhatMay(ctx);
        }, throttleMs, TimeUnit.MILLISECONDS);
    }

    private static ByteBuf encode(ChannelHandlerContext ctx, RequestHeader header, AbstractResponse response,
                                  short version) {
        ResponseHeader responseHeader = header.toResponseHeader();
        return ByteBufWritable.encode(ctx.alloc(), responseHeader.data(), responseHeader.headerVersion(),
                response.data(), version);
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
        if (!(cause instanceof IOException || cause instanceof DecoderException)) {
            // Not the client or the network: a fault of the broker's own, which the close line alone would hide.
            LOG.error("Unexpected failure serving {}", ctx.channel().remoteAddress(), cause);
        }
        close(ctx, describe(cause));
    }

    /** Why the connection fails, as its one log line says it. */
    private static String describe(Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof NotSslRecordException) {
            return "not TLS on a TLS listener (a plaintext client?)";
        }
        if (t instanceof SSLException) {
            return "TLS failed: " + t.getMessage();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        dropQueued();
        dropAnswered();
        if (sasl != null) {
            sasl.dispose();
        }
    }

    private void close(ChannelHandlerContext ctx, String reason) {
        if (!closed) {
            closed = true;
            closeLog.closed(ctx.channel().remoteAddress(), reason);
        }
        dropQueued();
        dropAnswered();
        ctx.close();
    }

    /** Releases what the answers that will never be written hold (a fetch's batches). */
    private void dropAnswered() {
        order.dropAnswered().forEach(BatchListRecords::releaseFrom);
    }

    /** Drops the frames not started, their bytes back to the broker's budget. */
    private void dropQueued() {
        for (ByteBuf frame; (frame = queued.pollFirst()) != null; ) {
            decoder.release(KafkaFrameDecoder.bytes(frame));
            frame.release();
        }
    }
}
