package io.ledgerstream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of Prometheus' HTTP API the compose test asks: targets up, metric names, a query's success. */
final class PrometheusApi {
    /** Metric names of ours and of the libraries we report through, as a PromQL expression names them. */
    private static final Pattern METRIC =
            Pattern.compile("\\b((?:ledgerstream|jvm|bookie|bookkeeper|flink)_[A-Za-z0-9_]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    PrometheusApi(String base) {
        this.base = base;
    }

    /** The targets whose last scrape succeeded, as "job instance". */
    Set<String> targetsUp() {
        Set<String> up = new TreeSet<>();
        for (JsonNode series : query("up").path("result")) {
            if ("1".equals(series.path("value").path(1).asText())) {
                up.add(series.path("metric").path("job").asText() + " " + series.path("metric").path("instance")
                        .asText());
            }
        }
        return up;
    }

    /** Every metric name Prometheus holds series of. */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        get("/api/v1/label/__name__/values").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Runs an instant query; fails unless Prometheus evaluates it. */
    JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The metric names a PromQL expression reads. */
    static Set<String> metricsIn(String promql) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("Prometheus answered " + response.statusCode() + " to " + path + ": "
                        + response.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + base + " did not answer " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
