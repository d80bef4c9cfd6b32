package io.ledgerstream.log.network;

import io.netty.buffer.ByteBuf;
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
 * <p>Not thread-safe: confined to its channel's event loop.
 */
final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** A TLS handshake record starts with content type 22 and major version 3. */
    private static final long TLS_HANDSHAKE_PREFIX = 0x16030000L;

    private final boolean expectsTls;
    /** Until authentication completes, the largest frame taken; then none but the decoder's own maximum. */
    private int unauthenticatedLimit;

    /**
     * @param maxFrameBytes         {@code socket.request.max.bytes}
     * @param unauthenticatedLimit  the largest frame before authentication, or {@link Integer#MAX_VALUE}
     * @param expectsTls            whether the frames arrive decrypted from TLS
     */
    KafkaFrameDecoder(int maxFrameBytes, int unauthenticatedLimit, boolean expectsTls) {
        // Netty's limit counts the 4-byte size field, Kafka's only what follows it.
        super((int) Math.min(Integer.MAX_VALUE, maxFrameBytes + 4L), 0, 4, 0, 4, true);
        this.unauthenticatedLimit = unauthenticatedLimit;
        this.expectsTls = expectsTls;
    }

    /** The client has authenticated: frames up to {@code socket.request.max.bytes} are taken from now on. */
    void authenticated() {
        unauthenticatedLimit = Integer.MAX_VALUE;
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
