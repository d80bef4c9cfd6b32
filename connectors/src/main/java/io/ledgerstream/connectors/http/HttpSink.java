package io.ledgerstream.connectors.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.connectors.config.Secret;
import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SinkConnector;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * An http sink's settings: each record's value must be JSON, and is POSTed (compacted) by an {@link
 * HttpWriteOperator}; tombstones are skipped. The records the endpoint refused come back for the dead-letter topic.
 *
 * <p>Immutable and serializable: shipped with the job.
 */
public final class HttpSink implements SinkConnector<ConnectorRecord> {
    /** Header names that carry credentials, whose values must be secrets. */
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i)^(authorization|proxy-authorization|cookie)$|token|secret|password|api-?key|auth");
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Headers Java's client sets itself and refuses to take. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpEndpoint endpoint;
    private final Retries retries;
    private final int batchSize;

    HttpSink(HttpEndpoint endpoint, Retries retries, int batchSize) {
        this.endpoint = endpoint;
        this.retries = retries;
        this.batchSize = batchSize;
    }

    /** Reads a {@code sink:} block of type http. */
    public static HttpSink read(Settings block) {
        URI url = url(block);
        int batchSize = block.integer("batch-size", 1, 1, 10_000);
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, Secret> secretHeaders = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : block.textBlock("headers").entrySet()) {
            String name = header.getKey();
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                throw block.problem("headers." + name, "is set by the HTTP client itself");
            }
            if (header.getValue().startsWith("${")) {
                try {
                    secretHeaders.put(name, Secret.parse(header.getValue()));
                } catch (IllegalArgumentException e) {
                    throw block.problem("headers." + name, e.getMessage());
                }
            } else if (CREDENTIAL.matcher(name).find()) {
                throw block.problem("headers." + name, "carries a credential: give it as ${env:VARIABLE} or "
                        + "${file:PATH}, not in the file");
            } else {
                headers.put(name, header.getValue());
            }
        }
        Secret bearer = block.secret("bearer-token").orElse(null);
        Duration timeout = block.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(100));
        Retries retries = new Retries(block.integer("max-retries", 5, 0, 100),
                block.duration("retry-backoff", Duration.ofMillis(500), Duration.ofMillis(1)));
        return new HttpSink(new HttpEndpoint(url, headers, secretHeaders, bearer, timeout), retries, batchSize);
    }

    private static URI url(Settings block) {
        String text = block.string("url");
        try {
            URI url = new URI(text);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                if (url.getUserInfo() != null) {
                    throw block.problem("url", "must not carry a user or password; use bearer-token or a header "
                            + "given as ${env:VARIABLE}");
                }
                return url;
            }
        } catch (URISyntaxException e) {
            // Reported below.
        }
        throw block.problem("url", "must be an http:// or https:// URL with a host, not '" + text + "'");
    }

    @Override
    public TypeInformation<ConnectorRecord> decodedType() {
        return TypeInformation.of(ConnectorRecord.class);
    }

    /**
     * The record itself, once its value is known to be JSON.
     *
     * @return null for a tombstone, which the writer skips
     * @throws BadRecordException when the value is not JSON
     */
    @Override
    public ConnectorRecord decode(ConnectorRecord record) throws BadRecordException {
        if (record.value == null) {
            return null;
        }
        JsonNode value;
        try {
            value = JSON.readTree(record.value);
        } catch (JsonProcessingException e) {
            throw new BadRecordException("The value is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadRecordException("The value could not be read: " + e.getMessage(), e);
        }
        if (value == null || value.isMissingNode()) {
            throw new BadRecordException("The value is empty, not JSON");
        }
        // Sent as it is: valid JSON, and a dead letter keeps the value as read.
        return record;
    }

    @Override
    public DataStream<ConnectorRecord> write(DataStream<ConnectorRecord> records, ConnectorSpec spec) {
        // Named without the query, which may carry a token.
        URI url = endpoint.url();
        String named = url.getScheme() + "://" + url.getAuthority() + url.getPath();
        return records.transform("http " + named, TypeInformation.of(ConnectorRecord.class),
                new HttpWriteOperator(spec, named, endpoint, retries, batchSize)).uid("http-sink");
    }
}
