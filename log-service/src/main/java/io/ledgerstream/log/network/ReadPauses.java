package io.ledgerstream.log.network;

import io.netty.channel.Channel;
import java.util.EnumSet;

/**
 * Why a connection does not read from its socket now: it reads (Netty's auto-read is on) exactly when no reason
 * holds, so that one reason ending does not undo another.
 *
 * <p>Not thread-safe: confined to its channel's event loop.
 */
final class ReadPauses {
    /** A reason to stop reading. */
    enum Reason {
        /** The connection holds as many received requests as it may. */
        QUEUE_FULL,
        /** The broker holds {@code queued.max.request.bytes} of requests ({@link RequestMemory}). */
        MEMORY,
        /** The connection is about to close: nothing more is read. */
        CLOSING,
        /** A response told the client it is over a quota: nothing is read for its throttle time. */
        THROTTLED
    }

    private final EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);

    /** Stops {@code channel} reading for {@code reason}. */
    void pause(Channel channel, Reason reason) {
        reasons.add(reason);
        channel.config().setAutoRead(false);
    }

    /** {@code reason} no longer holds: {@code channel} reads again unless another one does. */
    void resume(Channel channel, Reason reason) {
        reasons.remove(reason);
        if (reasons.isEmpty()) {
            channel.config().setAutoRead(true);
        }
    }

    /** Whether reading is paused for {@code reason}. */
    boolean paused(Reason reason) {
        return reasons.contains(reason);
    }
}
