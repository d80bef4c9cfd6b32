package io.ledgerstream.connectors.http;

import io.ledgerstream.connectors.config.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where and how records are POSTed: the URL, the headers (plain, or secrets given by reference and read when the
 * writer opens), an optional bearer token (a secret) and the timeout of one request. A {@code Content-Type:
 * application/json} header is sent unless the headers give one.
 *
 * <p>Immutable and serializable: only secret references travel with the job, never their values.
 */
final class HttpEndpoint implements HttpPoster.TransportFactory {
    private static final long serialVersionUID = 1L;

    private final URI url;
    private final Map<String, String> headers;
    private final Map<String, Secret> secretHeaders;
    private final Secret bearerToken;
    private final Duration timeout;

    /** @param bearerToken the token for {@code Authorization: Bearer}, or null */
    HttpEndpoint(URI url, Map<String, String> headers, Map<String, Secret> secretHeaders, Secret bearerToken,
                 Duration timeout) {
        this.url = url;
        this.headers = new LinkedHashMap<>(headers);
        this.secretHeaders = new LinkedHashMap<>(secretHeaders);
        this.bearerToken = bearerToken;
        this.timeout = timeout;
    }

    URI url() {
        return url;
    }

    /**
     * A transport to this endpoint: reads the secrets now (failing with the variable's or file's name, never a
     * value) and opens a client.
     */
    @Override
    public HttpPoster.Transport connect() {
        Map<String, String> all = new LinkedHashMap<>(headers);
        secretHeaders.forEach((name, secret) -> all.put(name, secret.value()));
        if (bearerToken != null) {
            all.put("Authorization", "Bearer " + bearerToken.value());
        }
        if (all.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            all.put("Content-Type", "application/json");
        }
        String[] pairs = all.entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        return body -> {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).headers(pairs)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        };
    }
}
