package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.Listener;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.metrics.ConnectionMetrics;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.security.SecuredListener;
import io.ledgerstream.log.security.ServerSecurity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslHandler;
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
 * The Kafka-protocol TCP server: one server socket per listener, all on the same event loops; each connection knows
 * the listener it came in on and goes through that listener's security: TLS (Netty's {@link SslHandler}, the JDK's
 * provider) on SSL and SASL_SSL, a SASL login on SASL_PLAINTEXT and SASL_SSL. Frames are a 4-byte big-endian size
 * and a request. A frame larger than {@code socket.request.max.bytes} (or, before a SASL login,
 * {@code sasl.server.max.receive.size}), or with a negative size, is refused before it is buffered and closes its
 * connection; so does a TLS handshake on a listener without TLS, and anything but TLS on one with it. Idle
 * connections close after {@code connections.max.idle.ms}. Connection limits and the creation rate are applied as
 * connections are accepted ({@link ConnectionGate}); {@code queued.max.request.bytes} caps the bytes of requests
 * held by all connections together ({@link RequestMemory}).
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
    private final ConnectionQuotas quotas;
    private final RequestMemory memory;

    private KafkaServer(EventLoopGroup boss, EventLoopGroup workers, List<Channel> servers, NetworkConfig config,
                        AtomicInteger connections, ConnectionQuotas quotas, RequestMemory memory) {
        this.connections = connections;
        this.quotas = quotas;
        this.memory = memory;
        this.boss = boss;
        this.workers = workers;
        this.servers = List.copyOf(servers);
        this.config = config;
    }

    /**
     * Binds every listener, all PLAINTEXT, and starts serving; connections are not measured. If one cannot be bound,
     * those bound already are closed again. An empty host, or {@code 0.0.0.0}, binds every interface.
     */
    public static KafkaServer start(NetworkConfig config, ApiHandlers handlers) throws InterruptedException {
        return start(config, ServerSecurity.plaintext(config), handlers, ConnectionMetrics.NONE);
    }

    /** Binds every listener, each secured as {@code security} says, and starts serving; connections are not measured. */
    public static KafkaServer start(NetworkConfig config, ServerSecurity security, ApiHandlers handlers)
            throws InterruptedException {
        return start(config, security, handlers, ConnectionMetrics.NONE);
    }

    /**
     * Binds every listener, each secured as {@code security} says, and starts serving, counting connections in
     * {@code metrics}; if one cannot be bound, those bound already are closed again.
     */
    public static KafkaServer start(NetworkConfig config, ServerSecurity security, ApiHandlers handlers,
                                    ConnectionMetrics metrics)
            throws InterruptedException {
        AtomicInteger connections = new AtomicInteger();
        ConnectionCloseLog closeLog = new ConnectionCloseLog(Clock.systemUTC(), CLOSE_LOG_INTERVAL_MS,
                CLOSE_LOG_MAX_HOSTS);
        ConnectionQuotas quotas = new ConnectionQuotas(config.limits(), config.interBrokerListenerName(),
                config.listeners().size(), System::nanoTime);
        RequestMemory memory = new RequestMemory(config.limits().queuedMaxRequestBytes());
        metrics.requestMemory(memory::used, memory::pauses);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<Channel> servers = new ArrayList<>();
        try {
            NetworkConfig bound = config;
            for (Listener listener : config.listeners()) {
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(boss, workers)
                        .channel(NioServerSocketChannel.class)
                        .handler(new ConnectionGate(listener.name(), quotas, metrics, closeLog))
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        // A client's close ends only its input: what it sent before is still served (KafkaConnection).
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childHandler(pipeline(security.listener(listener.name()), security, config, handlers,
                                connections, closeLog, metrics, memory));
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
                LOG.info("Serving the Kafka protocol on listener {} ({}) at {}:{}", listener.name(),
                        security.listener(listener.name()).protocol(),
                        listener.bindsEveryInterface() ? "*" : listener.host(), port);
            }
            return new KafkaServer(boss, workers, servers, bound, connections, quotas, memory);
        } catch (InterruptedException | RuntimeException e) {
            servers.forEach(server -> server.close().awaitUninterruptibly());
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * What each connection of a listener runs through: TLS where the listener has it, idle timeout, framing within
     * the size limits, the protocol.
     */
    private static ChannelInitializer<SocketChannel> pipeline(SecuredListener listener, ServerSecurity security,
                                                              NetworkConfig config, ApiHandlers handlers,
                                                              AtomicInteger connections, ConnectionCloseLog closeLog,
                                                              ConnectionMetrics metrics, RequestMemory memory) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                connections.incrementAndGet();
                metrics.opened();
                channel.closeFuture().addListener(f -> {
                    connections.decrementAndGet();
                    metrics.closed();
                });
                if (listener.tls().isPresent()) {
                    channel.pipeline().addLast(listener.tls().get().newHandler(channel.alloc()));
                }
                KafkaFrameDecoder frames = new KafkaFrameDecoder(config.socketRequestMaxBytes(),
                        listener.sasl().isPresent() ? security.saslServerMaxReceiveSize() : Integer.MAX_VALUE,
                        listener.tls().isPresent(), memory, new ReadPauses());
                channel.pipeline()
                        .addLast(new IdleStateHandler(0, 0, config.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS))
                        .addLast(frames)
                        .addLast(new LengthFieldPrepender(4))
                        .addLast(new KafkaConnection(listener, security, handlers, closeLog, frames));
            }
        };
    }

    /** Client connections open now. */
    public int openConnections() {
        return connections.get();
    }

    /** Connections let in since the server started, those refused not counted. */
    public long acceptedConnections() {
        return quotas.admitted();
    }

    /** Connections closed at once for a connection limit since the server started. */
    public long refusedConnections() {
        return quotas.refused();
    }

    /** Bytes of received requests not yet served, counted against {@code queued.max.request.bytes}. */
    public long queuedRequestBytes() {
        return memory.used();
    }

    /** Times a connection stopped reading because {@code queued.max.request.bytes} were held. */
    public long requestMemoryWaits() {
        return memory.pauses();
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
