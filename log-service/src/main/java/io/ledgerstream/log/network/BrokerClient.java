package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.security.ClientSecurity;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Kafka-protocol requests from this broker to another one (transaction markers, for one), over one pipelined
 * connection per broker address, with kafka-clients' own request and response codec. Another broker is reached at
 * its address on the inter-broker listener ({@code inter.broker.listener.name}), secured as that listener is: TLS
 * first where it has TLS, then a SASL login ({@link BrokerLogin}) where it has SASL; a connection carries requests
 * once both succeeded, and one that fails them fails the requests waiting for it.
 *
 * <p>Thread-safe: connections and their outstanding requests are in concurrent maps; responses complete the
 * futures on the connection's event loop, so callers must not block in what they chain on them.
 */
@ThreadSafe
public final class BrokerClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
    private static final int MAX_RESPONSE_BYTES = 100 << 20;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final String clientId;
    private final String listenerName;
    private final ClientSecurity security;
    private final EventLoopGroup group;
    private final Map<String, CompletableFuture<Connection>> connections = new ConcurrentHashMap<>();
    /** Brokers found without the inter-broker listener, each logged once. */
    private final Set<Integer> withoutListener = ConcurrentHashMap.newKeySet();
    /** Addresses whose TLS handshake or login failed last, each logged once until one succeeds again. */
    private final Set<String> refusing = ConcurrentHashMap.newKeySet();

    /** A client that reaches other brokers on the listener of that name, which is PLAINTEXT. */
    public BrokerClient(String clientId, String listenerName) {
        this(clientId, listenerName, ClientSecurity.plaintext());
    }

    /** A client that reaches other brokers on the listener of that name, secured as {@code security} says. */
    public BrokerClient(String clientId, String listenerName, ClientSecurity security) {
        this.clientId = clientId;
        this.listenerName = listenerName;
        this.security = security;
        this.group = new NioEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "ledgerstream-broker-client");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends a request to a broker at its address on the inter-broker listener, as {@link #send(String, int,
     * AbstractRequest.Builder, short, long)} does; fails with {@link BrokerNotAvailableException} when the broker has
     * no such listener (brokers configured with different inter-broker listeners).
     */
    public CompletableFuture<AbstractResponse> send(BrokerRegistration broker, AbstractRequest.Builder<?> request,
                                                    short version, long timeoutMs) {
        Optional<BrokerRegistration.Endpoint> endpoint = broker.endpoint(listenerName);
        if (endpoint.isEmpty()) {
            String reason = "Broker " + broker.id() + " has no listener " + listenerName + ", this broker's "
                    + NetworkConfig.INTER_BROKER_LISTENER_NAME + "; its listeners are " + broker.endpoints().stream()
                    .map(BrokerRegistration.Endpoint::listener).toList();
            if (withoutListener.add(broker.id())) {
                LOG.warn("{}: requests to it fail until the brokers agree on {}", reason,
                        NetworkConfig.INTER_BROKER_LISTENER_NAME);
            }
            return CompletableFuture.failedFuture(new BrokerNotAvailableException(reason));
        }
        return send(endpoint.get().host(), endpoint.get().port(), request, version, timeoutMs);
    }

    /**
     * Sends a request at {@code version} and completes with the response; fails with {@link DisconnectException}
     * when the connection fails or closes first, or with a timeout after {@code timeoutMs}.
     */
    public CompletableFuture<AbstractResponse> send(String host, int port, AbstractRequest.Builder<?> request,
                                                    short version, long timeoutMs) {
        String address = host + ":" + port;
        return connections.computeIfAbsent(address, a -> connect(address, host, port))
                .thenCompose(connection -> connection.send(request.build(version)))
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Connection> connect(String address, String host, int port) {
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        Connection connection = new Connection(address);
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        security.tls().ifPresent(tls -> ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port)));
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_RESPONSE_BYTES, 0, 4, 0, 4),
                                new LengthFieldPrepender(4), connection);
                    }
                })
                .connect(host, port).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        fail(address, connected, new DisconnectException("Cannot connect to broker at " + address
                                + ": " + f.cause()));
                        return;
                    }
                    connection.channel = f.channel();
                    secure(connection, host, address).whenComplete((v, e) -> {
                        if (e == null) {
                            if (refusing.remove(address)) {
                                LOG.info("Broker at {} accepts this broker's connections again", address);
                            }
                            connected.complete(connection);
                        } else {
                            Throwable cause = e instanceof CompletionException && e.getCause() != null
                                    ? e.getCause() : e;
                            if (cause instanceof AuthenticationException && refusing.add(address)) {
                                LOG.warn("Broker at {} refuses this broker on {} ({}): {}; retrying", address,
                                        listenerName, security.protocol(), cause.getMessage());
                            }
                            f.channel().close();
                            fail(address, connected, cause);
                        }
                    });
                });
        connection.forgetOnClose(connected);
        return connected;
    }

    /** Completes once the connection's TLS handshake (where it has TLS) and SASL login (where it has SASL) succeeded. */
    private CompletableFuture<Void> secure(Connection connection, String host, String address) {
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        SslHandler tls = connection.channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            handshake.complete(null);
        } else {
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    handshake.complete(null);
                } else {
                    handshake.completeExceptionally(new SslAuthenticationException("TLS handshake with broker "
                            + address + " failed: " + h.cause().getMessage(), h.cause()));
                }
            });
        }
        if (security.saslMechanism().isEmpty()) {
            return handshake;
        }
        return handshake.thenCompose(v -> BrokerLogin.run(security, host, address,
                (request, version) -> connection.send(request.build(version))));
    }

    private void fail(String address, CompletableFuture<Connection> connected, Throwable cause) {
        connections.remove(address, connected);
        connected.completeExceptionally(cause);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One connection: requests pipelined, matched to their responses by correlation id. */
    private final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
        private final String address;
        private final AtomicInteger correlation = new AtomicInteger();
        private final Map<Integer, Outstanding> outstanding = new ConcurrentHashMap<>();
        private volatile Channel channel;
        private volatile CompletableFuture<Connection> self;

        private record Outstanding(RequestHeader header, CompletableFuture<AbstractResponse> response) {
        }

        Connection(String address) {
            this.address = address;
        }

        void forgetOnClose(CompletableFuture<Connection> connected) {
            this.self = connected;
        }

        CompletableFuture<AbstractResponse> send(AbstractRequest request) {
            Channel ch = channel;
            CompletableFuture<AbstractResponse> response = new CompletableFuture<>();
            if (ch == null || !ch.isActive()) {
                response.completeExceptionally(new DisconnectException("Connection to broker " + address
                        + " is closed"));
                return response;
            }
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId,
                    correlation.incrementAndGet());
            outstanding.put(header.correlationId(), new Outstanding(header, response));
            ByteBuffer bytes = request.serializeWithHeader(header);
            ch.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> {
                if (!f.isSuccess()) {
                    outstanding.remove(header.correlationId());
                    response.completeExceptionally(new DisconnectException("Sending to broker " + address
                            + " failed: " + f.cause()));
                }
            });
            return response;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            ByteBuffer buffer = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(buffer);
            buffer.flip();
            Outstanding request = outstanding.remove(buffer.getInt(0));
            if (request == null) {
                ctx.close();
                return;
            }
            try {
                request.response().complete(AbstractResponse.parseResponse(buffer, request.header()));
            } catch (RuntimeException e) {
                request.response().completeExceptionally(e);
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections.remove(address, self);
            DisconnectException closed = new DisconnectException("Connection to broker " + address + " closed");
            outstanding.values().forEach(o -> o.response().completeExceptionally(closed));
            outstanding.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
