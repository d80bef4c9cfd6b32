package io.ledgerstream.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.SinkConnector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The http sink's keys, its decode and its request bodies. */
class HttpSinkTest {
    private static SinkConnector<?> sink(String keys) {
        return ConnectorFile.parse("h.yaml", "name: out\ntopics: [t]\nsink:\n  type: http\n" + keys).sink();
    }

    private static ConnectorRecord record(String value) {
        return ConnectorRecord.fromTopic("t", 0, 1, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void everyKeyIsRead() {
        assertThat(sink("  url: https://example.com/in\n  batch-size: 10\n  timeout: 2 s\n  max-retries: 3\n"
                + "  retry-backoff: 100 ms\n  bearer-token: ${env:TOKEN}\n"
                + "  headers: {X-Tenant: acme, X-Api-Key: '${file:/run/key}'}\n"))
                .isInstanceOf(HttpSink.class);
    }

    @Test
    void badKeysAreNamed() {
        assertThatThrownBy(() -> sink("  batch-size: 2\n")).hasMessage("h.yaml: sink.url: is required");
        assertThatThrownBy(() -> sink("  url: ftp://h/x\n"))
                .hasMessageStartingWith("h.yaml: sink.url: must be an http:// or https:// URL");
        assertThatThrownBy(() -> sink("  url: http://h/x\n  bearer-token: abc123\n"))
                .hasMessageStartingWith("h.yaml: sink.bearer-token: give it as ${env:VARIABLE}")
                .hasMessageNotContaining("abc123");
        assertThatThrownBy(() -> sink("  url: http://h/x\n  headers: {Host: other}\n"))
                .hasMessage("h.yaml: sink.headers.Host: is set by the HTTP client itself");
        assertThatThrownBy(() -> sink("  url: http://h/x\n  batch-size: 0\n"))
                .hasMessageStartingWith("h.yaml: sink.batch-size: must be a whole number from 1");
        assertThatThrownBy(() -> sink("  url: http://h/x\n  password: x\n"))
                .hasMessageStartingWith("h.yaml: sink.password: is not a known key");
    }

    @Test
    void decodeKeepsJsonAsItIsSkipsTombstonesAndRefusesTheRest() throws Exception {
        SinkConnector<?> sink = sink("  url: http://h/x\n");

        ConnectorRecord decoded = (ConnectorRecord) sink.decode(record("{ \"a\": [1, 2] }"));

        assertThat(new String(decoded.value, StandardCharsets.UTF_8)).isEqualTo("{ \"a\": [1, 2] }");
        assertThat(decoded.originOffset).isEqualTo(1);
        assertThat(sink.decode(record(null))).isNull();
        assertThatThrownBy(() -> sink.decode(record("nope"))).isInstanceOf(BadRecordException.class)
                .hasMessageStartingWith("The value is not JSON");
        assertThatThrownBy(() -> sink.decode(record(" "))).isInstanceOf(BadRecordException.class);
    }

    @Test
    void aBatchOfOneIsTheValueItselfALargerOneAnArray() {
        List<ConnectorRecord> two = List.of(record("{\"a\":1}"), record("2"));

        assertThat(new String(RequestBodies.of(two.subList(0, 1), false), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
        assertThat(new String(RequestBodies.of(two, true), StandardCharsets.UTF_8)).isEqualTo("[{\"a\":1},2]");
    }
}
