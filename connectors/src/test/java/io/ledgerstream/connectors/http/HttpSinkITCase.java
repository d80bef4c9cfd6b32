package io.ledgerstream.connectors.http;

import static io.ledgerstream.connectors.testing.TestbedConnectors.header;
import static io.ledgerstream.connectors.testing.TestbedConnectors.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ledgerstream.connectors.testing.TestbedConnectors;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http sink in a Flink MiniCluster against the standalone platform and a real HTTP server in this JVM that
 * fails the first requests with 503 and refuses a marked record with 400.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpSinkITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "s3cret-token";

    @TempDir
    static Path dir;
    private static JobTestbed testbed;

    private HttpServer server;
    private final AtomicInteger unavailable = new AtomicInteger();
    private final Queue<String> delivered = new ConcurrentLinkedQueue<>();
    private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        testbed = JobTestbed.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (testbed != null) {
            testbed.close();
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/in", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /** 503 while {@link #unavailable} lasts, 400 for a body marked poison, else 200 and the body is kept. */
    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        int status;
        if (unavailable.getAndDecrement() > 0) {
            status = 503;
        } else if (body.replace(" ", "").contains("\"poison\":true")) {
            status = 400;
        } else {
            delivered.add(body);
            status = 200;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/in";
    }

    private static void produce(String topic, int count, int poison) {
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            for (int i = 0; i < count; i++) {
                String value = i == poison ? "{\"id\": " + i + ", \"poison\": true}" : "{\"id\": " + i + "}";
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    @Test
    void unavailableAnswersAreRetriedAndARefusedRecordIsADeadLetter() throws Exception {
        testbed.createTopics("http-a", 1, "http-a-dead", 1);
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        unavailable.set(3);
        produce("http-a", 30, 17);
        JobClient job = TestbedConnectors.run(testbed, "name: http-a\ntopics: [http-a]\ncheckpoint-interval: 300 ms\n"
                + "errors: {tolerance: all, dead-letter-topic: http-a-dead}\n"
                + "sink: {type: http, url: '" + url() + "', retry-backoff: 10 ms, max-retries: 5, "
                + "bearer-token: '${file:" + token + "}'}\n");
        try (var dead = testbed.reader("http-a-dead")) {
            Await.until("every good record was delivered", WAIT, () -> delivered.size() >= 29);
            Await.until("the refused record is a dead letter", WAIT, () -> !dead.poll().isEmpty());

            assertThat(delivered).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).filter(i -> i != 17)
                    .mapToObj(i -> "{\"id\": " + i + "}").toList());
            assertThat(authorizations).containsOnly("Bearer " + TOKEN);
            ConsumerRecord<byte[], byte[]> refused = dead.poll().get(0);
            // Whole, as it was read.
            assertThat(text(refused.value())).isEqualTo("{\"id\": 17, \"poison\": true}");
            assertThat(header(refused, "__connect.errors.offset")).isEqualTo("17");
            assertThat(header(refused, "__connect.errors.exception.class.name"))
                    .isEqualTo(HttpDeliveryException.class.getName());
            assertThat(header(refused, "__connect.errors.exception.message"))
                    .isEqualTo("POST " + url() + " was refused with HTTP 400 (not retried)");
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void batchesArePostedAsArraysAndAPartialOneIsSentAtTheCheckpoint() throws Exception {
        testbed.createTopics("http-b", 1);
        produce("http-b", 23, -1);
        JobClient job = TestbedConnectors.run(testbed, "name: http-b\ntopics: [http-b]\ncheckpoint-interval: 300 ms\n"
                + "sink: {type: http, url: '" + url() + "', batch-size: 10}\n");
        try {
            Await.until("the three batches arrived", WAIT, () -> delivered.size() >= 3);

            List<String> bodies = List.copyOf(delivered);
            assertThat(bodies).allMatch(b -> b.startsWith("[{") && b.endsWith("}]"));
            assertThat(String.join(",", bodies).replace("[", "").replace("]", "").replace(" ", ""))
                    .isEqualTo(String.join(",", IntStream.range(0, 23).mapToObj(i -> "{\"id\":" + i + "}")
                            .toList()));
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
