package io.ledgerstream.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;

/**
 * Splits a connection's bytes into Kafka frames (a 4-byte big-endian size, then that many bytes) and refuses, before
 * buffering it, a frame larger than {@code socket.request.max.bytes}, or than the bound in force until the client
 * has authenticated ({@code sasl.server.max.receive.size}). On a listener without TLS, a size that is the start of a
 * TLS record is called what it is: a TLS client on a plaintext port.
 *
 * <p>Each frame's bytes are reserved in the broker's {@link RequestMemory} as soon as its size is read, before its
 * body is buffered; while none is left, the connection stops reading ({@link ReadPauses.Reason#MEMORY}) until bytes
 * are released. The connection gives a frame's bytes back when its request is done ({@link #release}); a
 * reservation for a frame not yet complete goes back when the connection closes.
 *
 * <p>Not thread-safe: confined to its channel's event loop, but for {@link #release}.
 */
final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** A TLS handshake record starts with content type 22 and major version 3. */
    private static final long TLS_HANDSHAKE_PREFIX = 0x16030000L;

    private final boolean expectsTls;
    private final int maxFrameBytes;
    private final RequestMemory memory;
    private final ReadPauses pauses;
    /** Wakes this decoder when bytes are released; registered while {@link #wanted} waits for them. */
    private final Runnable wake = this::wakeOnEventLoop;
    private ChannelHandlerContext ctx;
    /** Bytes reserved for the frame being received, 0 when none is. */
    private long reserved;
    /** Bytes of the frame whose size was read but for which no budget was left; 0 when not waiting. */
    private long wanted;
    private boolean inactive;
    /** Until authentication completes, the largest frame taken; then none but the decoder's own maximum. */
    private int unauthenticatedLimit;

    /**
     * @param maxFrameBytes         {@code socket.request.max.bytes}
     * @param unauthenticatedLimit  the largest frame before authentication, or {@link Integer#MAX_VALUE}
     * @param expectsTls            whether the frames arrive decrypted from TLS
     * @param memory                the broker's budget of queued request bytes
     * @param pauses                when the connection reads
     */
    KafkaFrameDecoder(int maxFrameBytes, int unauthenticatedLimit, boolean expectsTls, RequestMemory memory,
                      ReadPauses pauses) {
        // Netty's limit counts the 4-byte size field, Kafka's only what follows it.
        super((int) Math.min(Integer.MAX_VALUE, maxFrameBytes + 4L), 0, 4, 0, 4, true);
        this.unauthenticatedLimit = unauthenticatedLimit;
        this.expectsTls = expectsTls;
        this.maxFrameBytes = maxFrameBytes;
        this.memory = memory;
        this.pauses = pauses;
    }

    /** When the connection reads. */
    ReadPauses pauses() {
        return pauses;
    }

    /** The bytes a frame holds in the budget: its size field and what follows it. */
    static long bytes(ByteBuf frame) {
        return frame.readableBytes() + 4L;
    }

    /** A frame's request is done: its {@link #bytes} go back to the budget. Safe on any thread. */
    void release(long frameBytes) {
        memory.release(frameBytes);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (wanted > 0 || inactive) {
            return null;
        }
        if (reserved == 0 && in.readableBytes() >= 4) {
            // Sizes out of bounds are left to the base decoder, which refuses them.
            long size = getUnadjustedFrameLength(in, in.readerIndex(), 4, ByteOrder.BIG_ENDIAN);
            if (size >= 0 && size <= maxFrameBytes && !reserve(size + 4)) {
                return null;
            }
        }
        Object frame = super.decode(ctx, in);
        if (frame != null) {
            // From now on the frame's bytes are the connection's to give back.
            reserved = 0;
        }
        return frame;
    }

    /** Reserves a frame's bytes, or stops reading and waits for them. */
    private boolean reserve(long bytes) {
        if (memory.tryReserve(bytes)) {
            reserved = bytes;
            return true;
        }
        wanted = bytes;
        pauses.pause(ctx.channel(), ReadPauses.Reason.MEMORY);
        memory.await(wake);
        if (memory.tryReserve(bytes)) {
            // Released between the two tries.
            memory.cancel(wake);
            wanted = 0;
            reserved = bytes;
            pauses.resume(ctx.channel(), ReadPauses.Reason.MEMORY);
            return true;
        }
        return false;
    }

    private void wakeOnEventLoop() {
        ctx.executor().execute(this::retry);
    }

    /** Bytes were released: reserves those wanted and decodes what was buffered meanwhile, or waits again. */
    private void retry() {
        if (wanted == 0 || inactive) {
            return;
        }
        long bytes = wanted;
        wanted = 0;
        if (!reserve(bytes)) {
            return;
        }
        pauses.resume(ctx.channel(), ReadPauses.Reason.MEMORY);
        try {
            // The frame may be buffered whole already, with nothing more to read: decode what there is.
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            giveBack();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        giveBack();
    }

    /** The connection closed: what was reserved for a frame not yet complete goes back, and it waits no more. */
    private void giveBack() {
        inactive = true;
        if (wanted > 0) {
            memory.cancel(wake);
            wanted = 0;
        }
        if (reserved > 0) {
            memory.release(reserved);
            reserved = 0;
        }
    }

    /** The client has authenticated: frames up to {@code socket.request.max.bytes} are taken from now on. */
    void authenticated() {
        unauthenticatedLimit = Integer.MAX_VALUE;
    }

    /**
     * Copies a frame out at once into a heap buffer of its own, which the parsed request then reads (produce records
     * outlive the frame). Handing out slices of the cumulation instead kept it shared while requests queued, and
     * Netty then copied the whole cumulation into a larger buffer at each read: a seventh of the event loops' time
     * while producing (a tenth of their CPU a record once copied out here).
     */
    @Override
    protected ByteBuf extractFrame(ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(index, bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long size = super.getUnadjustedFrameLength(buf, offset, length, order);
        if (!expectsTls && (size & 0xFFFF0000L) == TLS_HANDSHAKE_PREFIX) {
            throw new CorruptedFrameException("the client speaks TLS (a TLS handshake arrived) on a listener "
                    + "without TLS");
        }
        if (size > unauthenticatedLimit) {
            throw new TooLongFrameException("a frame of " + size + " bytes before authentication, more than "
                    + "sasl.server.max.receive.size (" + unauthenticatedLimit + ")");
        }
        return size;
    }
}
