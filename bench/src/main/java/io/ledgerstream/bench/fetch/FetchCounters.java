package io.ledgerstream.bench.fetch;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A consumer's own counts of what it fetched and what went over its connections to the brokers: fetch responses
 * received ({@code fetch-total} of the fetch manager), and per broker node, summed over the nodes, the requests sent
 * and responses received with their bytes ({@code request-total}, {@code outgoing-byte-total},
 * {@code response-total}, {@code incoming-byte-total} of the node metrics, which count every request: in a window
 * where the consumer only fetches, they are its fetches).
 *
 * <p>Immutable: each snapshot is a value.
 */
record FetchCounters(double fetches, double requests, double requestBytes, double responses, double responseBytes) {

    static FetchCounters of(Map<MetricName, ? extends Metric> metrics) {
        double fetches = 0;
        double requests = 0;
        double requestBytes = 0;
        double responses = 0;
        double responseBytes = 0;
        for (Map.Entry<MetricName, ? extends Metric> m : metrics.entrySet()) {
            MetricName name = m.getKey();
            if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("fetch-total")
                    && !name.tags().containsKey("topic")) {
                fetches += value(m.getValue());
            } else if (name.group().equals("consumer-node-metrics")) {
                switch (name.name()) {
                    case "request-total" -> requests += value(m.getValue());
                    case "outgoing-byte-total" -> requestBytes += value(m.getValue());
                    case "response-total" -> responses += value(m.getValue());
                    case "incoming-byte-total" -> responseBytes += value(m.getValue());
                    default -> { }
                }
            }
        }
        return new FetchCounters(fetches, requests, requestBytes, responses, responseBytes);
    }

    private static double value(Metric metric) {
        return ((Number) metric.metricValue()).doubleValue();
    }

    /** What was counted from {@code earlier} to this snapshot. */
    FetchCounters since(FetchCounters earlier) {
        return new FetchCounters(fetches - earlier.fetches, requests - earlier.requests,
                requestBytes - earlier.requestBytes, responses - earlier.responses,
                responseBytes - earlier.responseBytes);
    }
}
