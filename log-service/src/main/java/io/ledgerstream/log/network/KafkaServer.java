package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.Listener;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.metrics.ConnectionMetrics;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka-protocol TCP server: one server socket per listener, all with the same pipeline and event loops; each
 * connection knows the listener it came in on. Frames are a 4-byte big-endian size and a request. A frame larger than
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
    private final List<Channel> servers;
    private final NetworkConfig config;

    private final AtomicInteger connections;

    private KafkaServer(EventLoopGroup boss, EventLoopGroup workers, List<Channel> servers, NetworkConfig config,
                        AtomicInteger connections) {
        this.connections = connections;
        this.boss = boss;
        this.workers = workers;
        this.servers = List.copyOf(servers);
        this.config = config;
    }

    /** Binds every listener and starts serving; connections are not measured. */
    public static KafkaServer start(NetworkConfig config, ApiHandlers handlers) throws InterruptedException {
        return start(config, handlers, ConnectionMetrics.NONE);
    }

    /**
     * Binds every listener and starts serving, counting connections in {@code metrics}; if one cannot be bound,
     * those bound already are closed again. An empty host, or {@code 0.0.0.0}, binds every interface.
     */
    public static KafkaServer start(NetworkConfig config, ApiHandlers handlers, ConnectionMetrics metrics)
            throws InterruptedException {
        AtomicInteger connections = new AtomicInteger();
        ConnectionCloseLog closeLog = new ConnectionCloseLog(Clock.systemUTC(), CLOSE_LOG_INTERVAL_MS,
                CLOSE_LOG_MAX_HOSTS);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<Channel> servers = new ArrayList<>();
        try {
            NetworkConfig bound = config;
            for (Listener listener : config.listeners()) {
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(boss, workers)
                        .channel(NioServerSocketChannel.class)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        // A client's close ends only its input: what it sent before is still served (KafkaConnection).
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childHandler(pipeline(listener.name(), config, handlers, connections, closeLog, metrics));
                InetSocketAddress address = listener.bindsEveryInterface() ? new InetSocketAddress(listener.port())
                        : new InetSocketAddress(listener.host(), listener.port());
                ChannelFuture binding = bootstrap.bind(address).await();
                if (!binding.isSuccess()) {
                    throw new IllegalStateException("Could not bind listener " + listener.name() + " to " + address
                            + ": " + binding.cause(), binding.cause());
                }
                Channel server = binding.channel();
                servers.add(server);
                int port = ((InetSocketAddress) server.localAddress()).getPort();
                bound = bound.withBoundPort(listener.name(), port);
                LOG.info("Serving the Kafka protocol on listener {} at {}:{}", listener.name(),
                        listener.bindsEveryInterface() ? "*" : listener.host(), port);
            }
            return new KafkaServer(boss, workers, servers, bound, connections);
        } catch (InterruptedException | RuntimeException e) {
            servers.forEach(server -> server.close().awaitUninterruptibly());
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** What each connection of a listener runs through: idle timeout, framing within the size limit, the protocol. */
    private static ChannelInitializer<SocketChannel> pipeline(String listenerName, NetworkConfig config,
                                                              ApiHandlers handlers, AtomicInteger connections,
                                                              ConnectionCloseLog closeLog,
                                                              ConnectionMetrics metrics) {
        return new ChannelInitializer<>() {
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
                        .addLast(new KafkaConnection(listenerName, handlers, closeLog));
            }
        };
    }

    /** Client connections open now. */
    public int openConnections() {
        return connections.get();
    }

    /** The listeners as bound, with the real ports where port 0 was asked for (advertised too where 0). */
    public NetworkConfig config() {
        return config;
    }

    @Override
    public void close() {
        servers.forEach(server -> server.close().syncUninterruptibly());
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
