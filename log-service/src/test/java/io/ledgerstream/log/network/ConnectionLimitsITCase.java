package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.MetricsEndpoint;
import io.ledgerstream.log.testing.RawKafkaRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection limits on a real broker, with thousands of raw sockets from loopback addresses of their own (so the
 * broker's own connections, from 127.0.0.1, are not counted against theirs): connections beyond
 * {@code max.connections.per.ip} are closed at once, those beyond {@code max.connections} wait unaccepted, the broker
 * never holds more than its limit, the connections within it are served, and once connections close new ones are
 * accepted; {@code max.connection.creation.rate} spreads accepting over time.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConnectionLimitsITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LIMITED_HOST = "127.0.0.3";
    private static final String OVERRIDDEN_HOST = "127.0.0.2";
    private static final int PER_IP = 100;
    private static final int MAX_CONNECTIONS = 300;
    private static final int OPENED_PER_HOST = 1000;

    @TempDir
    Path dir;
    private LocalBroker broker;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService openers = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        openers.shutdownNow();
        closeAll(sockets);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void connectionsBeyondTheLimitsAreRefusedThoseWithinAreServedAndSlotsFreedAreTakenAgain() throws Exception {
        broker = LocalBroker.start(dir.toFile(), Map.of("max.connections.per.ip", String.valueOf(PER_IP),
                "max.connections.per.ip.overrides", OVERRIDDEN_HOST + ":" + OPENED_PER_HOST,
                "max.connections", String.valueOf(MAX_CONNECTIONS), "metrics.http.port", "0"));
        KafkaServer server = broker.broker().server();
        int own = server.openConnections();
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Future<?> sampler = openers.submit(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(server.openConnections(), Math::max);
                // A sampler, not a wait: a look every millisecond without taking a core of the machine.
                LockSupport.parkNanos(1_000_000);
            }
        });

        // 1. A thousand connections from one address: a hundred are kept and served, the rest closed at once.
        List<Socket> limited = open(LIMITED_HOST, OPENED_PER_HOST);
        Await.until("the connections beyond max.connections.per.ip to be closed", WAIT,
                () -> server.refusedConnections() >= OPENED_PER_HOST - PER_IP);
        Await.until("the connections within the limit to be open", WAIT,
                () -> server.openConnections() == own + PER_IP);
        assertThat(served(limited)).isEqualTo(PER_IP);
        assertThat(server.refusedConnections()).isEqualTo(OPENED_PER_HOST - PER_IP);
        assertThat(new MetricsEndpoint(broker.broker().metricsPort()).text())
                .contains("ledgerstream_connections_refused_total{reason=\"max_connections_per_ip\"} "
                        + (OPENED_PER_HOST - PER_IP));

        // 2. A thousand from an address allowed them all: the broker takes what max.connections leaves, no more.
        List<Socket> overridden = open(OVERRIDDEN_HOST, OPENED_PER_HOST);
        Await.until("the broker to fill up to max.connections", WAIT,
                () -> server.openConnections() == MAX_CONNECTIONS);

        // 3. The first address's connections close: their slots go to connections waiting to be accepted.
        long acceptedBefore = server.acceptedConnections();
        closeAll(limited);
        Await.until("freed slots to be taken by waiting connections", WAIT,
                () -> server.acceptedConnections() == acceptedBefore + PER_IP
                        && server.openConnections() == MAX_CONNECTIONS);
        sampling.set(false);
        sampler.get(10, TimeUnit.SECONDS);
        assertThat(most.get()).as("connections the broker ever held").isLessThanOrEqualTo(MAX_CONNECTIONS);

        // 4. Everything closed, the broker is back to its own connections and serves new ones.
        closeAll(overridden);
        Await.until("every client connection to be closed", WAIT, () -> server.openConnections() == own);
        List<Socket> fresh = open(LIMITED_HOST, 10);
        assertThat(served(fresh)).isEqualTo(10);
    }

    @Test
    void connectionsOpenedFasterThanTheCreationRateAreAcceptedAtTheRate() throws Exception {
        int rate = 50;
        int opened = 200;
        broker = LocalBroker.start(dir.toFile(), Map.of("max.connection.creation.rate", String.valueOf(rate)));
        KafkaServer server = broker.broker().server();
        int own = server.openConnections();
        long start = System.nanoTime();
        List<Socket> clients = open(OVERRIDDEN_HOST, opened);
        // At most a second's burst, then the rate; a loaded machine only accepts slower. A margin for rounding.
        AtomicInteger beyond = new AtomicInteger();
        Await.until("every connection to be accepted", WAIT, () -> {
            int accepted = server.openConnections() - own;
            double seconds = (System.nanoTime() - start) / 1e9;
            if (accepted > rate + rate * seconds + 5) {
                beyond.incrementAndGet();
            }
            return accepted == opened;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(beyond.get()).as("times more connections were accepted than the rate allows").isZero();
        assertThat(seconds).as("seconds to accept all").isGreaterThan((opened - rate) / (double) rate * 0.8);
        assertThat(server.refusedConnections()).isZero();
        assertThat(served(clients)).isEqualTo(opened);
    }

    /** Opens {@code count} connections from {@code host} at once (several threads), as fast as the OS takes them. */
    private List<Socket> open(String host, int count) throws Exception {
        int port = broker.broker().kafkaPort();
        List<Future<Socket>> opening = IntStream.range(0, count).mapToObj(i -> openers.submit(() -> {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(host, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            sockets.add(socket);
            return socket;
        })).toList();
        List<Socket> opened = new ArrayList<>();
        for (Future<Socket> socket : opening) {
            opened.add(socket.get(60, TimeUnit.SECONDS));
        }
        return opened;
    }

    /** How many of {@code connections} answer an ApiVersions request; those the broker closed answer none. */
    private static int served(List<Socket> connections) {
        int served = 0;
        for (Socket socket : connections) {
            try {
                RawKafkaRequests.exchange(socket, new ApiVersionsRequest.Builder().build((short) 3), 1);
                served++;
            } catch (IOException closed) {
                // Refused: closed by the broker.
            }
        }
        return served;
    }

    private void closeAll(List<Socket> connections) {
        List<Socket> copy;
        synchronized (sockets) {
            copy = new ArrayList<>(connections);
        }
        for (Socket socket : copy) {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
