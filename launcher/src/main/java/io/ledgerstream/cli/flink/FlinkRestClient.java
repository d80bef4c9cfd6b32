package io.ledgerstream.cli.flink;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The parts of Flink's REST API that submitting and watching a job needs: upload a jar, run it, read a job's
 * status, cancel it, and the cluster overview. Works against any Flink 2.x JobManager.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TERMINAL = List.of("FINISHED", "CANCELED", "FAILED");
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param base the REST address, e.g. {@code http://127.0.0.1:8081} */
    public FlinkRestClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public Map<String, Object> overview() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/overview")).GET());
    }

    /** Uploads a job jar, streamed from its file; returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "ledgerstream-" + UUID.randomUUID();
        String name = jar.getFileName().toString().replace("\"", "");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; "
                        + "name=\"jarfile\"; filename=\"" + name + "\"\r\nContent-Type: application/x-java-archive"
                        + "\r\n\r\n", StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofFile(jar),
                HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n", StandardCharsets.UTF_8));
        Map<String, Object> answer = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body));
        String file = String.valueOf(answer.get("filename"));
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * Runs an uploaded jar.
     *
     * @param entryClass null for the jar's manifest main class
     * @param parallelism 0 for the cluster's default
     * @return the job id
     */
    public String run(String jarId, String entryClass, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        if (entryClass != null) {
            request.put("entryClass", entryClass);
        }
        request.put("programArgsList", args);
        if (parallelism > 0) {
            request.put("parallelism", parallelism);
        }
        Map<String, Object> answer = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))));
        return String.valueOf(answer.get("jobid"));
    }

    /** The job's state, e.g. RUNNING, FAILED, CANCELED. */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return String.valueOf(send(HttpRequest.newBuilder(uri("/jobs/" + jobId)).GET()).get("state"));
    }

    /** Ids of the jobs that are not finished (running, restarting, ...). */
    public List<String> activeJobIds() throws IOException, InterruptedException {
        return activeJobs().stream().map(job -> job.path("jid").asText()).toList();
    }

    /** The id of a job of that name that is not finished, if the cluster has one. */
    public Optional<String> activeJobNamed(String name) throws IOException, InterruptedException {
        return activeJobs().stream().filter(job -> name.equals(job.path("name").asText()))
                .map(job -> job.path("jid").asText()).findFirst();
    }

    /** The jobs of the cluster's overview that are not finished. */
    private List<JsonNode> activeJobs() throws IOException, InterruptedException {
        List<JsonNode> active = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (!TERMINAL.contains(job.path("state").asText())) {
                active.add(job);
            }
        }
        return active;
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** Any GET of the REST API, as a JSON tree (objects and arrays alike). */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(body(HttpRequest.newBuilder(uri(path)).GET()));
    }

    /** Any POST of a JSON body, answered with a JSON tree. */
    public JsonNode post(String path, Object request) throws IOException, InterruptedException {
        return JSON.readTree(body(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Map<String, Object> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        String body = body(request);
        return body.isBlank() ? Map.of() : JSON.readValue(body, OBJECT);
    }

    private String body(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() / 100 != 2) {
            throw new FlinkRestException(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ": " + body);
        }
        return body;
    }
}
