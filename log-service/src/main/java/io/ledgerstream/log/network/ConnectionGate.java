package io.ledgerstream.log.network;

import io.ledgerstream.log.metrics.ConnectionMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sits on a listener's server socket, before Netty hands accepted connections to the event loops: holds back a
 * connection beyond the creation rate until its time comes, and closes at once one beyond a connection limit
 * ({@link ConnectionQuotas}), counting it in {@code ledgerstream_connections_refused_total} and logging it at most
 * once a minute per client host ({@link ConnectionCloseLog}). A connection let through gives its slot back when it
 * closes.
 *
 * <p>Not thread-safe: confined to the acceptor's event loop; the quotas it calls are thread-safe.
 */
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private final String listener;
    private final ConnectionQuotas quotas;
    private final ConnectionMetrics metrics;
    private final ConnectionCloseLog closeLog;
    /** Connections accepted and waiting for the creation rate: closed if the server socket closes first. */
    private final Set<Channel> held = new HashSet<>();

    ConnectionGate(String listener, ConnectionQuotas quotas, ConnectionMetrics metrics, ConnectionCloseLog closeLog) {
        this.listener = listener;
        this.quotas = quotas;
        this.metrics = metrics;
        this.closeLog = closeLog;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        quotas.serving(listener, ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel connection = (Channel) msg;
        long wait = quotas.delayNanos(listener);
        if (wait == 0) {
            admit(ctx, connection);
            return;
        }
        held.add(connection);
        ctx.executor().schedule(() -> {
            if (held.remove(connection)) {
                admit(ctx, connection);
            }
        }, wait, TimeUnit.NANOSECONDS);
        ctx.executor().schedule(() -> resumeWhenDue(ctx), wait, TimeUnit.NANOSECONDS);
    }

    /** Lets accepting go on once the creation rate's wait is over, or looks again when it will be. */
    private void resumeWhenDue(ChannelHandlerContext ctx) {
        long left = quotas.throttleEnded(listener);
        if (left > 0) {
            ctx.executor().schedule(() -> resumeWhenDue(ctx), left, TimeUnit.NANOSECONDS);
        }
    }

    private void admit(ChannelHandlerContext ctx, Channel connection) {
        InetAddress address = connection.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        ConnectionQuotas.Refusal refusal = quotas.admit(listener, address);
        if (refusal != null) {
            metrics.refused(refusal.label);
            closeLog.closed(connection.remoteAddress(), "over the limit of " + describe(refusal, address));
            // Not registered with an event loop yet: closed here, as Netty closes a connection it cannot register.
            connection.unsafe().closeForcibly();
            return;
        }
        connection.closeFuture().addListener(f -> quotas.release(listener, address));
        ctx.fireChannelRead(connection);
    }

    private String describe(ConnectionQuotas.Refusal refusal, InetAddress address) {
        return switch (refusal) {
            case MAX_CONNECTIONS -> "max.connections";
            case LISTENER_MAX_CONNECTIONS -> "listener.name." + listener.toLowerCase(Locale.ROOT)
                    + ".max.connections";
            case MAX_CONNECTIONS_PER_IP -> "max.connections.per.ip for " + address.getHostAddress();
        };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held.forEach(connection -> connection.unsafe().closeForcibly());
        held.clear();
        super.channelInactive(ctx);
    }
}
