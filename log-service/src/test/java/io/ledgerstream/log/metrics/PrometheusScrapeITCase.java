package io.ledgerstream.log.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.MetricsConfig;
import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.standalone.StandalonePlatform;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.MetricsEndpoint;
import io.ledgerstream.log.testing.TestClients;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) scrapes the standalone platform's two brokers on
 * loopback, and queries through its HTTP API return our series: both brokers up, the records produced, the
 * controller's leader moves, the JVM of each. Each broker's text output first passes {@code promtool check metrics},
 * Prometheus' own parser and linter. Skipped when Prometheus is not installed, unless
 * {@code LEDGERSTREAM_REQUIRE_PROMETHEUS} is set (as CI sets it, after installing it).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PrometheusScrapeITCase {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int RECORDS = 50;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesBothBrokersAndItsQueriesReturnOurSeries() throws Exception {
        Optional<Path> prometheus = onPath("prometheus");
        Optional<Path> promtool = onPath("promtool");
        boolean required = System.getenv("LEDGERSTREAM_REQUIRE_PROMETHEUS") != null;
        assumeTrue(required || prometheus.isPresent() && promtool.isPresent(),
                "Prometheus is not installed (Debian's prometheus package: prometheus and promtool on the PATH)");
        assertThat(prometheus).as("prometheus on the PATH (LEDGERSTREAM_REQUIRE_PROMETHEUS is set)").isPresent();
        assertThat(promtool).as("promtool on the PATH (LEDGERSTREAM_REQUIRE_PROMETHEUS is set)").isPresent();

        int kafkaPort = FreePorts.consecutive(2);
        int metricsPort = FreePorts.consecutive(2);
        Map<String, String> settings = Map.of(NetworkConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + kafkaPort,
                MetricsConfig.HTTP_PORT, Integer.toString(metricsPort), "leader.balance.delay.ms", "0");
        try (StandalonePlatform platform = StandalonePlatform.start(new StandalonePlatform.Settings(
                dir.resolve("platform").toFile(), 0, FreePorts.consecutive(3), 3, settings, 2), Clock.systemUTC())) {
            // Broker N serves its metrics on the first port plus N, as it does the Kafka protocol.
            assertThat(platform.brokers().stream().map(Broker::metricsPort).toList())
                    .containsExactly(metricsPort, metricsPort + 1);
            String bootstrap = "127.0.0.1:" + kafkaPort;
            try (Admin admin = TestClients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("scraped", 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("scraped", "key-" + i, "value-" + i));
                }
                producer.flush();
            }
            for (Broker broker : platform.brokers()) {
                checkWithPromtool(promtool.get(), new MetricsEndpoint(broker.metricsPort()).text());
            }

            int webPort = FreePorts.consecutive(1);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 1s",
                    "  evaluation_interval: 1s",
                    "scrape_configs:",
                    "  - job_name: ledgerstream",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + metricsPort + "', '127.0.0.1:" + (metricsPort + 1) + "']",
                    ""));
            File log = dir.resolve("prometheus.log").toFile();
            Process server = new ProcessBuilder(prometheus.get().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + webPort)
                    .redirectErrorStream(true).redirectOutput(log).start();
            try {
                String api = "http://127.0.0.1:" + webPort;
                Await.until("Prometheus to be ready (its log: " + log + ")", WAIT,
                        () -> status(api + "/-/ready") == 200);
                Await.until("Prometheus to scrape both brokers", WAIT,
                        () -> query(api, "up{job=\"ledgerstream\"} == 1").size() == 2);
                Await.until("Prometheus to have the records produced", WAIT, () -> {
                    JsonNode result = query(api, "sum(ledgerstream_topic_records_in_total{topic=\"scraped\"})");
                    return result.size() == 1 && result.get(0).get("value").get(1).asText().equals("" + RECORDS);
                });
                Await.until("Prometheus to see the controller move leaders to the second broker", WAIT,
                        () -> query(api, "ledgerstream_controller_leader_moves_total{kind=\"balance\"} > 0").size() == 1);
                JsonNode produce = query(api, "ledgerstream_requests_total{api=\"Produce\"}");
                assertThat(produce.size()).isBetween(1, 2);
                JsonNode latency = query(api, "sum(ledgerstream_request_duration_seconds_bucket{api=\"Produce\","
                        + "le=\"+Inf\"}) == sum(ledgerstream_requests_total{api=\"Produce\"})");
                assertThat(latency.size()).as("every Produce request timed").isEqualTo(1);
                JsonNode heap = query(api, "jvm_memory_used_bytes{area=\"heap\"}");
                assertThat(instances(heap)).containsExactlyInAnyOrder("127.0.0.1:" + metricsPort,
                        "127.0.0.1:" + (metricsPort + 1));
                JsonNode led = query(api, "sum(ledgerstream_partitions_led)");
                // Every partition has one leader: 50 of the offsets topic, 8 of the transactions', 2 of ours.
                assertThat(led.get(0).get("value").get(1).asText()).isEqualTo("60");
            } finally {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Prometheus' own parser and linter must find nothing wrong in a broker's text output. */
    private static void checkWithPromtool(Path promtool, String text) throws Exception {
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("promtool check metrics: " + output).isZero();
    }

    /** The result of an instant query through Prometheus' HTTP API (an empty array when it has none yet). */
    private static JsonNode query(String api, String promql) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("status").asText()).as(promql + ": " + response.body()).isEqualTo("success");
            return body.get("data").get("result");
        } catch (IOException e) {
            throw new AssertionError("Querying Prometheus for " + promql + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> instances(JsonNode result) {
        return Stream.iterate(0, i -> i < result.size(), i -> i + 1)
                .map(i -> result.get(i).get("metric").get("instance").asText()).collect(Collectors.toList());
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
    }
}
