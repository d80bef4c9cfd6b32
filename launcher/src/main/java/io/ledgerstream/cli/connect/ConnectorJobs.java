package io.ledgerstream.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerstream.cli.flink.FlinkRestClient;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Connectors as Flink jobs seen through the REST API: a connector's job is named {@code connector NAME}; its newest
 * job is the connector's state.
 *
 * <p>Stateless apart from the client; safe to use from one thread at a time.
 */
final class ConnectorJobs {
    private static final String PREFIX = ConnectorSpec.jobName("");

    /** One connector's job as the overview lists it. */
    record Job(String connector, String id, String state, long startTime) {
        boolean active() {
            return !List.of("FINISHED", "CANCELED", "FAILED").contains(state);
        }
    }

    private final FlinkRestClient rest;
    private final String address;

    ConnectorJobs(String cluster) {
        this.address = cluster.contains("://") ? cluster : "http://" + cluster;
        this.rest = new FlinkRestClient(address);
    }

    String address() {
        return address;
    }

    FlinkRestClient rest() {
        return rest;
    }

    /** The newest job of each connector, by name. */
    Map<String, Job> newest() throws IOException, InterruptedException {
        Map<String, Job> newest = new LinkedHashMap<>();
        JsonNode overview;
        try {
            overview = rest.get("/jobs/overview");
        } catch (ConnectException e) {
            ConnectException clear = new ConnectException("No Flink cluster answers at " + address + " (is 'connect "
                    + "run' running? Give the cluster with --cluster HOST:PORT)");
            clear.initCause(e);
            throw clear;
        }
        for (JsonNode job : overview.path("jobs")) {
            String name = job.path("name").asText();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            Job j = new Job(name.substring(PREFIX.length()), job.path("jid").asText(), job.path("state").asText(),
                    job.path("start-time").asLong());
            Job seen = newest.get(j.connector());
            // A running job wins over an ended one, then the newer.
            if (seen == null || (j.active() && !seen.active())
                    || (j.active() == seen.active() && j.startTime() > seen.startTime())) {
                newest.put(j.connector(), j);
            }
        }
        return newest;
    }

    Optional<Job> find(String connector) throws IOException, InterruptedException {
        return Optional.ofNullable(newest().get(connector));
    }

    Job require(String connector) throws IOException, InterruptedException {
        return find(connector).orElseThrow(() -> new IllegalArgumentException("No connector named '" + connector
                + "' on the Flink cluster at " + address + " ('connect list' shows them)"));
    }

    /** The sums over all tasks of the connector's counters and gauges, by metric name (recordsIn, ...). */
    Map<String, Long> metrics(String jobId) throws IOException, InterruptedException {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (JsonNode vertex : rest.get("/jobs/" + jobId).path("vertices")) {
            String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : rest.get(base)) {
                String id = metric.path("id").asText();
                if (id.contains(".connector.") || id.startsWith("connector.")) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            for (JsonNode metric : rest.get(base + "?agg=sum&get=" + String.join(",", ids))) {
                String id = metric.path("id").asText();
                String name = id.substring(id.lastIndexOf('.') + 1);
                sums.merge(name, (long) metric.path("sum").asDouble(), Long::sum);
            }
        }
        return sums;
    }

    /** The latest completed checkpoint: its id and when it completed (epoch ms), if any. */
    Optional<long[]> lastCheckpoint(String jobId) throws IOException, InterruptedException {
        JsonNode completed = rest.get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        if (completed.isMissingNode() || completed.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new long[] {completed.path("id").asLong(), completed.path("latest_ack_timestamp").asLong()});
    }

    /**
     * The job's most recent failure in one line, if it has one: the first cause under Flink's own wrapper (such as
     * "Recovery is suppressed by ..."), which is what went wrong in the connector.
     */
    Optional<String> lastFailure(String jobId) throws IOException, InterruptedException {
        JsonNode entries = rest.get("/jobs/" + jobId + "/exceptions?maxExceptions=1").path("exceptionHistory")
                .path("entries");
        return StreamSupport.stream(entries.spliterator(), false).findFirst().map(e -> {
            String trace = e.path("stacktrace").asText(e.path("exceptionName").asText());
            return trace.lines().filter(l -> l.startsWith("Caused by: ")).findFirst()
                    .map(l -> l.substring("Caused by: ".length()))
                    .orElse(trace.lines().findFirst().orElse(""));
        });
    }

    /**
     * Stops the job with a savepoint into {@code directory} and waits for it.
     *
     * @return the savepoint's location
     */
    String stopWithSavepoint(String jobId, String directory, Duration timeout) throws Exception {
        String trigger = rest.post("/jobs/" + jobId + "/stop", Map.of("targetDirectory", directory, "drain", false))
                .path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = rest.get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IllegalStateException("The savepoint failed: "
                            + operation.path("failure-cause").path("stack-trace").asText().lines().findFirst()
                            .orElse("unknown cause"));
                }
                return operation.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The savepoint did not complete within " + timeout.toSeconds() + " s");
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        rest.cancel(jobId);
    }

    /**
     * Waits until the job has ended (cancelled, finished or failed), or its cluster with it: the embedded Flink of
     * {@code connect run} closes once its last connector has ended.
     */
    void awaitEnd(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (List.of("FINISHED", "CANCELED", "FAILED").contains(rest.jobState(jobId))) {
                    return;
                }
            } catch (ConnectException e) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Job " + jobId + " did not end within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }
}
