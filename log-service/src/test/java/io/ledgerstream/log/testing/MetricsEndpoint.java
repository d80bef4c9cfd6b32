package io.ledgerstream.log.testing;

import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A broker's metrics endpoint as a scraper sees it: {@code /metrics} read in Prometheus' protobuf format and parsed
 * with the Prometheus client library's own parser, or as text; and the status of {@code /health} and {@code /ready}.
 */
public final class MetricsEndpoint {
    /** The protobuf exposition format, as Prometheus asks for it. */
    private static final String PROTOBUF = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public MetricsEndpoint(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A GET of {@code path}: its status and body. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code /metrics} in the text format (version 0.0.4), as a scraper that asks for nothing else gets it. */
    public String text() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /** Every metric family of {@code /metrics}, read in the protobuf format. */
    public Scrape scrape() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Accept", PROTOBUF).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/vnd.google.protobuf")) {
            throw new IOException("/metrics answered " + type + ", not the protobuf format asked for");
        }
        List<Metrics.MetricFamily> families = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(response.body())) {
            Metrics.MetricFamily family;
            while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.add(family);
            }
        }
        return new Scrape(families);
    }

    /** One scrape's metric families. */
    public static final class Scrape {
        private final Map<String, Metrics.MetricFamily> families = new TreeMap<>();

        Scrape(List<Metrics.MetricFamily> families) {
            families.forEach(f -> this.families.put(f.getName(), f));
        }

        public Map<String, Metrics.MetricFamily> families() {
            return families;
        }

        /**
         * The value of a counter's or gauge's series with these labels (name, value, name, value, ...), 0 when the
         * series does not exist (yet).
         */
        public double value(String name, String... labels) {
            Metrics.Metric metric = series(name, labels);
            if (metric == null) {
                return 0;
            }
            return metric.hasCounter() ? metric.getCounter().getValue() : metric.getGauge().getValue();
        }

        /** Observations of a histogram's series with these labels; 0 when it does not exist (yet). */
        public long observations(String name, String... labels) {
            Metrics.Metric metric = series(name, labels);
            return metric == null ? 0 : metric.getHistogram().getSampleCount();
        }

        /** Whether a family of this name exists. */
        public boolean has(String name) {
            return families.containsKey(name);
        }

        private Metrics.Metric series(String name, String... labels) {
            Metrics.MetricFamily family = families.get(name);
            if (family == null) {
                return null;
            }
            for (Metrics.Metric metric : family.getMetricList()) {
                Map<String, String> have = new TreeMap<>();
                metric.getLabelList().forEach(l -> have.put(l.getName(), l.getValue()));
                Map<String, String> want = new TreeMap<>();
                for (int i = 0; i < labels.length; i += 2) {
                    want.put(labels[i], labels[i + 1]);
                }
                if (have.equals(want)) {
                    return metric;
                }
            }
            return null;
        }
    }
}
