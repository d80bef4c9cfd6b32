package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's HTTP endpoint for monitoring and orchestrators, on the JDK's HTTP server: {@code /metrics} in
 * Prometheus' formats (text, OpenMetrics or protobuf, as the scraper asks; the Prometheus client's own handler),
 * {@code /health} (200 while the process runs) and {@code /ready} (200 while the broker serves, else 503 with the
 * reason on one line). Requests are served one at a time on a thread of its own, never on the broker's.
 *
 * <p>Thread-safe: started once, stopped once; the JDK server serves on its own thread.
 */
@ThreadSafe
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /**
     * Binds {@code host:port} (0 picks a free port) and starts serving.
     *
     * @param name names the serving thread
     * @throws IOException when the address cannot be bound, naming it
     */
    public static MetricsServer start(String name, String host, int port, PrometheusRegistry registry,
                                      Readiness readiness) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("Cannot serve metrics on " + host + ":" + port + " (metrics.http.host, "
                    + "metrics.http.port): " + e.getMessage(), e);
        }
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/health", exchange -> answer(exchange, 200, "ok"));
        server.createContext("/ready", exchange -> {
            String reason = readiness.notReadyBecause();
            answer(exchange, reason == null ? 200 : 503, reason == null ? "ready" : reason);
        });
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.start();
        LOG.info("Serving metrics on http://{}:{}/metrics", host, server.getAddress().getPort());
        return new MetricsServer(server, thread);
    }

    /** The port bound, the one chosen when 0 was asked for. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String line) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] body = (line.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving at once and ends its thread. */
    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The metrics endpoint's thread still ran 5 s after it was stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
