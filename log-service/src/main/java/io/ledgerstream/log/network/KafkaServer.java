package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.metrics.ConnectionMetrics;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka-protocol TCP server: frames are a 4-byte big-endian size and a request. A frame larger than
 * {@code socket.request.max.bytes} (or with a negative size) is refused before it is buffered and closes its
 * connection; idle connections close after {@code connections.max.idle.ms}.
 *
 * <p>Thread-safe: its references are final, the connection count atomic; each connection is confined to its event
 * loop ({@link KafkaConnection}).
 */
@ThreadSafe
public final class KafkaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);
    /** At most one line per client host this often about connections the broker closes. */
    private static final long CLOSE_LOG_INTERVAL_MS = 60_000;
    /** Hosts whose closes are remembered within one interval; closes of more are counted, not logged. */
    private static final int CLOSE_LOG_MAX_HOSTS = 10_000;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final NetworkConfig config;

    private final AtomicInteger connections;

    private KafkaServer(EventLoopGroup boss, EventLoopGroup workers, Channel server, NetworkConfig config,
                        AtomicInteger connections) {
        this.connections = connections;
        this.boss = boss;
        this.workers = workers;
        this.server = server;
        this.config = config;
    }

    /** Binds the listener and starts serving; connections are not measured. */
    public static KafkaServer start(NetworkConfig config, ApiHandlers handlers) throws InterruptedException {
        return start(config, handlers, ConnectionMetrics.NONE);
    }

    /** Binds the listener and starts serving, counting connections in {@code metrics}. */
    public static KafkaServer start(NetworkConfig config, ApiHandlers handlers, ConnectionMetrics metrics)
            throws InterruptedException {
        AtomicInteger connections = new AtomicInteger();
        ConnectionCloseLog closeLog = new ConnectionCloseLog(Clock.systemUTC(), CLOSE_LOG_INTERVAL_MS,
                CLOSE_LOG_MAX_HOSTS);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    // A client's close ends only its input: what it sent before is still served (KafkaConnection).
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            connections.incrementAndGet();
                            metrics.opened();
                            channel.closeFuture().addListener(f -> {
                                connections.decrementAndGet();
                                metrics.closed();
                            });
                            channel.pipeline()
                                    .addLast(new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                                    // Netty's limit counts the 4-byte size field, Kafka's only what follows it.
                                    .addLast(new LengthFieldBasedFrameDecoder(
                                            (int) Math.min(Integer.MAX_VALUE, config.socketRequestMaxBytes() + 4L),
                                            0, 4, 0, 4, true))
                                    .addLast(new LengthFieldPrepender(4))
                                    .addLast(new KafkaConnection(handlers, closeLog));
                        }
                    });
            Channel server = bootstrap.bind(config.host(), config.port()).sync().channel();
            int bound = ((InetSocketAddress) server.localAddress()).getPort();
            LOG.info("Serving the Kafka protocol on {}:{}", config.host(), bound);
            return new KafkaServer(boss, workers, server, config.withBoundPort(bound), connections);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Client connections open now. */
    public int openConnections() {
        return connections.get();
    }

    /** The listener as bound, with the real port when port 0 was asked for. */
    public NetworkConfig config() {
        return config;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
